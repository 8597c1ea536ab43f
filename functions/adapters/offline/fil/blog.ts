/**
 * Blog posts in Filipino. The outline of each variant (a guide; a quick read with questions) and every
 * sentence live in blog-phrases.json; this module only orders them: sentences are taken one at a time
 * from the section furthest below its share until the post reaches the requested length, and reserve
 * sections join when the planned ones run dry. The merchant's topic, keywords and product descriptions
 * are quoted as given.
 */
import { OUTPUT_LIMITS, type BlogVariant, type ProductFact } from '#core/model.ts';
import type { BlogInput, Tone } from '#core/schemas.ts';
import type { Rng } from '../random.ts';
import { capitalize, clean, cleanList, countWords, fitWithEllipsis, fitWords, leadingSentences, midSentence } from '../text.ts';
import { fill, listFil } from './product-copy.ts';
import PHRASES from './blog-phrases.json' with { type: 'json' };

type SectionKey = keyof (typeof PHRASES)['sections'];

interface Section {
  heading: string;
  /** Sentences in the order they will be taken. */
  pool: string[];
  taken: number;
  form: 'prose' | 'list' | 'each';
  /** Fixed text (the product spotlight), never trimmed. */
  fixed?: string[];
}

function render(s: Section): string {
  const taken = s.pool.slice(0, s.taken);
  const parts = [`## ${s.heading}`, ...(s.fixed ?? [])];
  if (s.form === 'list') parts.push(taken.map((x) => `- ${x}`).join('\n'));
  else if (s.form === 'each') parts.push(...taken);
  else for (let i = 0; i < taken.length; i += 3) parts.push(taken.slice(i, i + 3).join(' '));
  return parts.filter(Boolean).join('\n\n');
}

function productsSection(products: ProductFact[], length: BlogInput['length'], heading: string, rng: Rng): Section | null {
  if (!products.length) return null;
  const P = PHRASES.products;
  const spotlight = products.filter((p) => clean(p.description)).slice(0, { short: 1, medium: 2, long: 4 }[length]);
  const rest = products.filter((p) => !spotlight.includes(p)).slice(0, { short: 4, medium: 6, long: 10 }[length]);
  const words = { short: 35, medium: 50, long: 70 }[length];
  const fixed = [rng.pick(products.length === 1 ? P.one : P.many)];
  for (const p of spotlight) fixed.push(`### ${clean(p.name) || P.product}\n\n${leadingSentences(clean(p.description).replace(/^[#>*+\-\s]+/, ''), words)}`);
  if (rest.length) fixed.push(`${spotlight.length ? P.more : P.only}\n\n${rest.map((p) => `- ${fitWords(clean(p.name), 80) || P.product}`).join('\n')}`);
  return { heading, pool: [], taken: 0, form: 'prose', fixed };
}

export function writeBlogPostFil(input: BlogInput, products: ProductFact[], rng: Rng, index: number, audience?: string | null): BlogVariant {
  const raw = clean(input.topic).replace(/[.?!:;,\s]+$/, '') || 'Pamimili';
  // Filipino topics start with ordinary words ("Pag-aalaga ng…", "Paano pumili…") that read lowercase mid-sentence.
  const topic = /^(?:Pag|Pagpili|Paano|Bakit|Mga|Ang|Gabay|Tamang|Ilang|Lahat)(?:[\s-]|$)/.test(raw) ? raw.charAt(0).toLowerCase() + raw.slice(1) : midSentence(raw);
  const tone: Tone = input.tone ?? 'neutral';
  const keywords = cleanList(input.keywords, 5);
  const outline = PHRASES.outlines[index];
  const slots = { topic };
  const sentences = (key: SectionKey) => rng.shuffle(PHRASES.sections[key]).map((s) => fill(s, slots));
  const make = ([key, heading, form]: string[]): Section | null =>
    key === '@products'
      ? productsSection(products, input.length, heading, rng)
      : { heading, pool: sentences(key as SectionKey), taken: 1, form: (form as Section['form']) ?? 'prose' };

  const intro = [fill(rng.pick((index === 0 ? PHRASES.openers : PHRASES.hooks)[tone]), slots)];
  if (keywords.length) intro.push(fill(rng.pick(PHRASES.keywordLines), { k: listFil(keywords.slice(0, 2), true) }));
  if (audience) intro.push(fill(rng.pick(PHRASES.audience), { audience }));
  intro.push(...rng.sample(PHRASES.intro, 2));

  const sections = outline.blocks.map(make).filter((s): s is Section => s !== null);
  const reserves = outline.reserves.map(make).filter((s): s is Section => s !== null);
  const conclusion: Section = { heading: outline.conclusion, pool: sentences('conclusion'), taken: 1, form: 'prose' };
  const closer = rng.pick(PHRASES.closers[tone]);
  // The topic in full three times reads well; after that it is "paksang ito" (every slot follows "sa" or "ang").
  const body = () => {
    let seen = 0;
    const text = [intro.join(' '), ...sections.map(render), `${render(conclusion)} ${closer}`].join('\n\n');
    return text.split(topic).reduce((out, part) => `${out}${++seen <= 3 ? topic : 'paksang ito'}${part}`);
  };

  const target = OUTPUT_LIMITS.blogWords[input.length];
  while (countWords(body()) < target * 0.98) {
    // The section with the fewest sentences taken so far gets the next one (the conclusion stays short).
    const open = [...sections, conclusion].filter((s) => s.taken < s.pool.length && (s !== conclusion || s.taken < 3));
    if (!open.length && reserves.length) sections.push(reserves.shift()!);
    else if (!open.length) break;
    else open.reduce((a, b) => (b.taken < a.taken ? b : a)).taken++;
  }

  const h = capitalize(raw);
  const title = outline.titles.map((t) => fill(t, { h })).filter((t) => t.length <= OUTPUT_LIMITS.blogTitleMaxChars);
  const shortTitle = fill(outline.shortTitle, { h: fitWords(h, OUTPUT_LIMITS.blogTitleMaxChars - fill(outline.shortTitle, { h: '' }).length) });
  return {
    title: title.length ? rng.pick(title) : shortTitle,
    excerpt: fitWithEllipsis(intro.slice(0, 2).join(' '), OUTPUT_LIMITS.blogExcerptMaxChars),
    bodyMarkdown: body(),
  };
}
