/**
 * Product descriptions and SEO meta in Filipino, from the same facts as the English writer. The
 * sentences are written in Filipino (product-phrases.json, one voice per tone), not translated word by
 * word; the merchant's own words (name, category, features, keywords) are quoted as given. As in
 * English, variant 0 is narrative prose and variant 1 a hook with a list, and their pools never overlap.
 */
import { OUTPUT_LIMITS, type DescriptionVariant, type SeoVariant } from '#core/model.ts';
import type { Tone } from '#core/schemas.ts';
import type { ProductFacts } from '../product-facts.ts';
import type { Rng } from '../random.ts';
import { capitalize, countWords, fitWithEllipsis, fitWords, joinList, tidy } from '../text.ts';
import PHRASES from './product-phrases.json' with { type: 'json' };

type Pool = keyof (typeof PHRASES)['tones']['neutral'];

/** Fills `{name}`-style slots; a slot with no value is left out. */
export function fill(template: string, slots: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => slots[k] ?? '');
}

/** "a, b at c": the Filipino list, "o" for alternatives. */
export const listFil = (items: readonly string[], or = false) => joinList(items, or ? 'o' : 'at');

const pool = (tone: Tone, name: Pool): string[] => PHRASES.tones[tone][name];
/** The variant's half of a pool (even lines for variant 0, odd for 1), so the two never share a line. */
const halfOf = (lines: string[], index: number) => lines.filter((_, i) => i % 2 === index);

const MIN_WORDS = 60;

function slotsOf(f: ProductFacts, withRange: boolean): Record<string, string> {
  return { name: f.name, range: withRange && f.category ? fill(PHRASES.range, { category: f.category }) : '' };
}

/** Adds the benefit lines, one at a time, until the copy is long enough to read as a description. */
function pad(blocks: string[][], before: string[], benefits: string[]): void {
  const words = () => countWords([...blocks.flat(), ...before].join(' '));
  for (const b of benefits) {
    if (words() >= MIN_WORDS) break;
    before.unshift(b);
  }
}

function write(f: ProductFacts, rng: Rng, index: number, maxFeatures: number): string {
  const tone = f.tone;
  const s = slotsOf(f, true);
  const plain = slotsOf(f, false);
  const features = f.features.slice(0, maxFeatures);
  const benefits = rng.shuffle(halfOf(pool(tone, 'benefits'), index)).map((b) => fill(b, plain));
  const closing: string[] = [];
  const blocks: string[][] = [];
  const [lead, other] = rng.shuffle(f.keywords);
  if (index === 0) {
    const first = [fill(rng.pick(pool(tone, 'openers')), s)];
    if (features.length) first.push(fill(rng.pick(pool(tone, 'detailLines')), { list: listFil(features) }));
    blocks.push(first);
    if (lead) blocks.push([fill(rng.pick(halfOf(pool(tone, 'keywordLines'), 0)), { k: listFil(f.keywords.slice(0, 2), true) })]);
    closing.push(fill(rng.pick(pool(tone, 'closers')), plain));
  } else {
    const hook = lead && rng.chance(0.75) ? fill(rng.pick(pool(tone, 'keywordHooks')), { k: lead }) : fill(rng.pick(pool(tone, 'hooks')), plain);
    blocks.push([hook], [fill(rng.pick(pool(tone, 'intros')), s)]);
    if (features.length) blocks.push([[fill(rng.pick(pool(tone, 'listHeaders')), plain), ...features.map((x) => `- ${capitalize(x)}`)].join('\n')]);
    const keyword = hook.includes(lead ?? '\u0000') ? other : lead;
    if (keyword) closing.push(fill(rng.pick(halfOf(pool(tone, 'keywordLines'), 1)), { k: keyword }));
    closing.push(fill(rng.pick(pool(tone, 'calls')), plain));
  }
  pad(blocks, closing, benefits);
  return tidy([...blocks.map((b) => b.join(' ')), closing.join(' ')].filter(Boolean).join('\n\n'));
}

export function describeProductFil(f: ProductFacts, rng: Rng, index: number): DescriptionVariant {
  for (const maxFeatures of [8, 5, 3, 1]) {
    const text = write(f, rng, index, maxFeatures);
    if (text.length <= OUTPUT_LIMITS.descriptionMaxChars) return { text };
  }
  return { text: fitWithEllipsis(write(f, rng, index, 1), OUTPUT_LIMITS.descriptionMaxChars) };
}

const TITLE_MAX = OUTPUT_LIMITS.seoTitleMaxChars;

function titleFil(f: ProductFacts, rng: Rng, index: number, avoid?: string): string {
  const suffix = rng.pick(halfOf(pool(f.tone, 'seoSuffixes'), index));
  const fresh = f.keywords.find((k) => !f.name.toLowerCase().includes(k.toLowerCase()));
  const shop = PHRASES.seoShop;
  if (f.name.length > TITLE_MAX) {
    if (index === 0) return fitWords(f.name, TITLE_MAX);
    const lead = f.keywords[0] && f.keywords[0].length <= 30 ? `${capitalize(f.keywords[0])} | ` : shop;
    return `${lead}${fitWords(f.name, TITLE_MAX - lead.length)}`;
  }
  const candidates = index === 0
    ? [f.category && `${f.name} | ${f.category}`, fresh && `${f.name} – ${capitalize(fresh)}`, `${f.name} | ${suffix}`]
    : [fresh && `${capitalize(fresh)} | ${f.name}`, fresh && `${shop}${f.name} – ${capitalize(fresh)}`, `${shop}${f.name} | ${suffix}`, `${f.name}: ${suffix}`];
  const fitting = candidates.filter((t): t is string => !!t && t.length <= TITLE_MAX && t !== avoid);
  if (fitting.length) return rng.pick(index === 0 ? fitting : fitting.slice(0, 3));
  return index === 0 || avoid !== f.name ? f.name : fitWords(`${shop}${f.name}`, TITLE_MAX);
}

/** The meta description within `max` characters: the richest candidate that fits. */
function metaFil(f: ProductFacts, rng: Rng, index: number, max: number): string {
  const call = rng.pick(halfOf(pool(f.tone, 'seoCalls'), index));
  const benefit = rng.pick(halfOf(pool(f.tone, 'seoBenefits'), index));
  const candidates: string[] = [];
  const ranges = [f.category ? fill(PHRASES.range, { category: f.category }) : '', ''];
  if (index === 0) {
    const lead = rng.pick(PHRASES.seoLeads);
    const label = rng.pick(PHRASES.seoLabels);
    const selling = f.features.filter((x) => !f.instructions.some((i) => i.toLowerCase() === x.toLowerCase()));
    for (const n of [4, 3, 2, 1, 0]) {
      if (n > selling.length) continue;
      const list = n ? ` ${label}: ${listFil(selling.slice(0, n))}.` : ` ${benefit}`;
      for (const range of ranges) candidates.push(`${lead} ang ${f.name}${range}.${list} ${call}`, `${lead} ang ${f.name}${range}.${list}`);
    }
  } else {
    const question = f.keywords[0] ? fill(rng.pick(PHRASES.seoQuestions), { k: f.keywords[0] }) : '';
    for (const n of [3, 2, 1, 0]) {
      if (n > f.features.length) continue;
      const body = n ? `Ang ${f.name} – ${listFil(f.features.slice(0, n))}.` : `Ang ${f.name}${question ? '' : ranges[0]} – ${benefit.charAt(0).toLowerCase()}${benefit.slice(1)}`;
      candidates.push(`${question}${body} ${call}`, `${question}${body}`);
    }
  }
  return candidates.find((c) => c.length <= max) ?? fitWithEllipsis(`${f.name}. ${call}`, max);
}

export function seoMetaFil(f: ProductFacts, rng: Rng, index: number, other?: SeoVariant, metaMax: number = OUTPUT_LIMITS.seoDescriptionMaxChars): SeoVariant {
  return { title: titleFil(f, rng, index, other?.title), description: tidy(metaFil(f, rng, index, metaMax)) };
}

/** One sentence naming the audience the voice writes for. */
export const audienceLineFil = (rng: Rng, audience: string): string => fill(rng.pick(PHRASES.audience), { audience });
