/**
 * Product descriptions and SEO meta from a product's facts. Variant 0 and variant 1 are built on
 * different skeletons (narrative prose vs. hook + list; name-first vs. keyword-first) so a merchant
 * gets two real alternatives, not one text with a word swapped.
 */
import { OUTPUT_LIMITS, type DescriptionVariant, type SeoVariant } from '#core/model.ts';
import type { ProductFacts } from './product-facts.ts';
import type { Rng } from './random.ts';
import { capitalize, countWords, fitWithEllipsis, fitWords, joinList, tidy } from './text.ts';
import { VOICES, type PhraseContext } from './tones.ts';

/** Descriptions are padded with generic benefits up to this many words, and no further. */
const MIN_DESCRIPTION_WORDS = 60;

/** The variant's share of a phrase pool, so that variant 0 and variant 1 never use the same line. */
const half = <T>(pool: T[], index: number): T[] => pool.filter((_, i) => i % 2 === index);

function phraseContext(f: ProductFacts, withRange: boolean): PhraseContext {
  const theName = /^the\s/i.test(f.name) ? f.name : `the ${f.name}`;
  return {
    name: f.name,
    theName,
    TheName: capitalize(theName),
    range: withRange && f.category ? ` from our ${f.category} range` : '',
    g: f.g,
  };
}

/** "It's pre-seasoned and oven safe, and it works on induction." */
function traitSentence(f: ProductFacts, traits: string[], actions: string[]): string | null {
  const does = joinList(actions.map(f.g.verb));
  if (traits.length && actions.length) return `${f.g.ItIs} ${joinList(traits)}, and ${f.g.it} ${does}.`;
  if (traits.length) return `${f.g.ItIs} ${joinList(traits)}.`;
  if (actions.length) return `${f.g.It} ${does}.`;
  return null;
}

/** Adds generic benefit sentences (before the closing call) until the text reads as a full description. */
function padWithBenefits(paragraphs: string[][], closing: string[], benefits: string[]): void {
  const words = () => countWords([...paragraphs.flat(), ...closing].join(' '));
  let i = 0;
  do {
    if (i < benefits.length) closing.unshift(benefits[i]);
    i++;
  } while (words() < MIN_DESCRIPTION_WORDS && i < benefits.length);
}

function narrative(f: ProductFacts, rng: Rng, maxFeatures: number): string {
  const v = VOICES[f.tone];
  const c = phraseContext(f, true);
  const plain = phraseContext(f, false);
  const details = f.details.slice(0, maxFeatures);
  const budget = Math.max(0, maxFeatures - details.length);

  const first = [rng.pick(v.openers)(c)];
  if (details.length) first.push(rng.pick(v.detailLines)(joinList(details), plain));

  const middle: string[] = [];
  const traitLine = traitSentence(f, f.traits.slice(0, budget), f.actions.slice(0, budget));
  if (traitLine) middle.push(traitLine);
  if (f.uses.length) middle.push(rng.pick(v.uses)(joinList(f.uses.slice(0, Math.max(1, budget)))));
  if (f.highlight && details.length > 1) middle.push(rng.pick(v.highlights)(f.highlight));
  if (f.instructions.length) middle.push(`${v.careLead}: ${joinList(f.instructions.slice(0, Math.max(1, budget)))}.`);
  const ordered = rng.shuffle(middle);
  if (f.keywords.length) ordered.push(rng.pick(half(v.keywordLines, 0))(plain, joinList(f.keywords.slice(0, 2), 'or')));

  const closing = [rng.pick(v.closers)(plain)];
  const benefits = rng.shuffle(half(v.benefits, 0)).map((b) => b(plain));
  const paragraphs = [first, ordered];
  padWithBenefits(paragraphs, closing, benefits);
  return [...paragraphs, closing]
    .filter((p) => p.length)
    .map((p) => p.join(' '))
    .join('\n\n');
}

function hookAndList(f: ProductFacts, rng: Rng, maxFeatures: number): string {
  const v = VOICES[f.tone];
  const c = phraseContext(f, true);
  const plain = phraseContext(f, false);
  const [lead, other] = rng.shuffle(f.keywords);
  const useKeywordHook = lead !== undefined && rng.chance(0.75);
  const hook = useKeywordHook ? rng.pick(v.keywordHooks)(plain, lead) : rng.pick(v.hooks)(plain);

  const blocks: string[] = [hook];
  const intro = [rng.pick(v.intros)(c)];
  const features = f.features.slice(0, maxFeatures);
  const benefits = rng.shuffle(half(v.benefits, 1)).map((b) => b(plain));
  if (features.length) {
    blocks.push(intro.join(' '));
    blocks.push([rng.pick(v.listHeaders)(plain), ...features.map((x) => `- ${capitalize(x)}`)].join('\n'));
  } else {
    // Nothing to list: the second skeleton becomes hook, then benefits, then the product's name and call.
    intro.unshift(benefits.shift() ?? '');
    blocks.push(intro.filter(Boolean).join(' '));
  }
  const closing = [rng.pick(v.calls)(plain)];
  const keyword = useKeywordHook ? other : lead;
  if (keyword) closing.unshift(rng.pick(half(v.keywordLines, 1))(plain, keyword));
  const asParagraphs = blocks.map((b) => [b]);
  padWithBenefits(asParagraphs, closing, benefits);
  return [...blocks, closing.join(' ')].join('\n\n');
}

export function describeProduct(f: ProductFacts, rng: Rng, index: number): DescriptionVariant {
  const write = (facts: ProductFacts, r: Rng, max: number) => tidy((index === 0 ? narrative : hookAndList)(facts, r, max));
  // Long features and names can overflow the limit: retry with fewer features, then cut at a word.
  for (const maxFeatures of [8, 5, 3, 1]) {
    const text = write(f, rng, maxFeatures);
    if (text.length <= OUTPUT_LIMITS.descriptionMaxChars) return { text };
  }
  return { text: fitWithEllipsis(write(f, rng, 1), OUTPUT_LIMITS.descriptionMaxChars) };
}

const TITLE_MAX = OUTPUT_LIMITS.seoTitleMaxChars;
const META_MAX = OUTPUT_LIMITS.seoDescriptionMaxChars;

/** Keywords the name does not already say, so a title that adds one adds information. */
function freshKeywords(f: ProductFacts): string[] {
  const name = f.name.toLowerCase();
  return f.keywords.filter((k) => !name.includes(k.toLowerCase()));
}

function seoTitle(f: ProductFacts, rng: Rng, index: number, avoid?: string): string {
  const v = VOICES[f.tone];
  const [fresh] = freshKeywords(f);
  const keyword = f.keywords[0];
  const [suffix] = rng.shuffle(half(v.seoSuffixes, index));
  if (f.name.length > TITLE_MAX) {
    // Too long to quote whole: keep the start of the name (and a keyword when one fits beside it).
    if (index === 0) return fitWords(f.name, TITLE_MAX);
    const lead = keyword && keyword.length <= 30 ? `${capitalize(keyword)} | ` : 'Shop ';
    return `${lead}${fitWords(f.name, TITLE_MAX - lead.length)}`;
  }
  const candidates =
    index === 0
      ? [
          f.category && `${f.name} | ${f.category}`,
          fresh && `${f.name} – ${capitalize(fresh)}`,
          `${f.name} | ${suffix}`,
        ]
      : [
          fresh && `${capitalize(fresh)} | ${f.name}`,
          fresh && `Shop ${f.name} – ${capitalize(fresh)}`,
          `Shop ${f.name} | ${suffix}`,
          `${f.name}: ${suffix}`,
        ];
  const fitting = candidates.filter((t): t is string => !!t && t.length <= TITLE_MAX && t !== avoid);
  if (fitting.length) return rng.pick(index === 0 ? fitting : fitting.slice(0, 3));
  return index === 0 || avoid !== f.name ? f.name : fitWords(`Shop ${f.name}`, TITLE_MAX);
}

/** The first candidate that fits, trying the richest first. */
function firstFitting(candidates: string[], fallback: string, max: number): string {
  return candidates.find((c) => c.length <= max) ?? fitWithEllipsis(fallback, max);
}

function seoDescription(f: ProductFacts, rng: Rng, index: number, max: number): string {
  const v = VOICES[f.tone];
  const call = rng.pick(half(v.seoCalls, index));
  const benefit = rng.pick(half(v.seoBenefits, index));
  const candidates: string[] = [];
  if (index === 0) {
    const lead = rng.pick(['Discover', 'Shop', 'Meet']);
    const label = rng.pick(['Features', 'Highlights', 'Details']);
    // Care notes ("refrigerate after opening") are no selling point: meta descriptions skip them.
    const selling = f.features.filter((x) => !f.instructions.some((i) => i.toLowerCase() === x.toLowerCase()));
    for (const n of [4, 3, 2, 1, 0]) {
      if (n > selling.length) continue;
      const list = n ? ` ${label}: ${joinList(selling.slice(0, n))}.` : ` ${benefit}`;
      for (const range of [f.category ? ` from our ${f.category} range` : '', '']) {
        candidates.push(`${lead} the ${f.name}${range}.${list} ${call}`, `${lead} the ${f.name}${range}.${list}`);
      }
    }
    return firstFitting(candidates, `${f.name}. ${call}`, max);
  }
  const c = phraseContext(f, false);
  const keyword = f.keywords[0];
  const question = keyword ? `${rng.pick(['Looking for', 'Searching for', 'In the market for'])} ${keyword}? ` : '';
  // The list variant leads with what the product does and is, then the merchant's details.
  const ordered = [...f.traits, ...f.uses.map((u) => `for ${u}`), ...f.actions, ...f.details];
  for (const n of [3, 2, 1, 0]) {
    if (n > ordered.length) continue;
    const body = n
      ? `${c.TheName} – ${joinList(ordered.slice(0, n))}.`
      : `${c.TheName}${question || !f.category ? '' : ` from our ${f.category} range`} – ${benefit.charAt(0).toLowerCase()}${benefit.slice(1)}`;
    candidates.push(`${question}${body} ${call}`, `${question}${body}`);
  }
  return firstFitting(candidates, `${question}${c.TheName}.`, max);
}

/** `metaMax` below 160 leaves room for the brand voice's phrases after the description. */
export function seoMeta(f: ProductFacts, rng: Rng, index: number, other?: SeoVariant, metaMax: number = META_MAX): SeoVariant {
  return { title: seoTitle(f, rng, index, other?.title), description: tidy(seoDescription(f, rng, index, metaMax)) };
}
