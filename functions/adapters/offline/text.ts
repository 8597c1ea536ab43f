/** String helpers for the offline writer: cleaning merchant text, lists, agreement and fitting to limits. */

/** Merchant text made safe to embed: no tags or angle brackets (blog markdown must carry no HTML), one line. */
export function clean(s: string | null | undefined): string {
  return (s ?? '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([,.;:!?])/g, '$1')
    .trim();
}

/** Collapses the double stop left when a sentence ends on a name that ends in one ("Kape Co.."). */
export function tidy(s: string): string {
  return s.replace(/(?<!\.)\.\.(?!\.)/g, '.');
}

/** Cleaned, de-duplicated (case-insensitively), non-empty items. */
export function cleanList(items: readonly string[] | undefined, max: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of items ?? []) {
    const item = clean(raw).replace(/[.;,]+$/, '');
    const key = item.toLowerCase();
    if (!item || seen.has(key)) continue;
    seen.add(key);
    out.push(item);
    if (out.length === max) break;
  }
  return out;
}

/** Words as a reader counts them: tokens holding a letter or a digit (markdown markers excluded). */
export function countWords(s: string): number {
  return s.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
}

export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** "a", "a and b", "a, b and c". */
export function joinList(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** "a" or "an" by the sound a word most likely starts with. */
export function article(word: string): 'a' | 'an' {
  if (/^[FHLMNRSX](?:[A-Z\d]|$)/.test(word)) return 'an'; // an LED, an SPF
  const w = word.toLowerCase();
  if (/^(?:hour|honest|honou?r)/.test(w)) return 'an';
  if (/^(?:uni|use|usa|usu|uti|eu|one|once)/.test(w)) return 'a';
  return /^[aeiou]/.test(w) ? 'an' : 'a';
}

// Words a topic or industry may start with that are ordinary lowercase words mid-sentence.
const COMMON_STARTERS = new Set(
  ('a an the our your my best top easy simple quick ultimate essential everyday choosing caring picking finding using making building getting starting styling keeping cooking buying shopping planning tips ideas guide gift gifts holiday holidays summer winter spring autumn fall weekend home modern natural organic handmade sustainable eco small local healthy new classic affordable luxury vintage how why what when where which who ' +
    'specialty artisan independent premium toys games electronics fashion jewelry jewellery coffee tea food snacks beauty skincare skin pet pets baby kids books art crafts furniture clothing apparel shoes footwear sports fitness outdoor garden gardening plants flowers wine beer bakery candles stationery music health wellness ceramics accessories bags cosmetics tech gadgets bicycles bikes cycling travel kitchenware homeware decor textiles supplements').split(
    ' ',
  ),
);

// Count and order words ("Five gift ideas", "First steps", "Top-ten picks") and the everyday words list
// titles start with ("Perfect pairings", "Last-minute gifts"): ordinary lowercase words mid-sentence.
const NUMBER_WORDS =
  'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred dozen few several some many more most all every each both ' +
  'first second third fourth fifth sixth seventh eighth ninth tenth last next final';
const LIST_WORDS =
  'perfect great smart clever creative unique fun cosy cozy big little budget cheap common favourite favorite must-have seasonal beginner beginners beginner’s beginner\'s expert practical surprising ' +
  'ways reasons mistakes questions secrets steps things habits lessons trends hacks rules myths signs places ideas tips';
for (const w of `${NUMBER_WORDS} ${LIST_WORDS}`.split(' ')) COMMON_STARTERS.add(w);

/**
 * Lowercases the first letter for use mid-sentence, unless the first word looks like a proper noun or
 * acronym. A hyphenated word ("Last-minute") is judged by its first part.
 */
export function midSentence(s: string): string {
  const first = s.split(/\s+/)[0] ?? '';
  if (!/^[A-Z][a-z'’-]*$/.test(first)) return s;
  const word = first.toLowerCase();
  if (COMMON_STARTERS.has(word) || COMMON_STARTERS.has(word.split('-')[0])) return s.charAt(0).toLowerCase() + s.slice(1);
  return s;
}

// Connectors that must not dangle at the end of a shortened phrase.
const DANGLING = /(?:\s+(?:and|or|with|for|of|the|a|an|to|in|on|by|from|at|&|\+))+$/i;

/**
 * The longest prefix of `s` of at most `max` characters that ends at a word boundary, without a
 * dangling connector or separator. A single over-long word is cut hard (names can be one long token).
 */
export function fitWords(s: string, max: number): string {
  const text = s.trim();
  if (text.length <= max) return text;
  let cut = text.slice(0, max + 1);
  const space = cut.lastIndexOf(' ');
  cut = space > 0 ? cut.slice(0, space) : text.slice(0, max);
  for (;;) {
    const next = cut.replace(/[\s,;:|–—\-/(]+$/, '').replace(DANGLING, '');
    if (next === cut) break;
    cut = next;
  }
  return cut || text.slice(0, max);
}

/** Like fitWords, but marks the cut with an ellipsis (for running text, not titles). */
export function fitWithEllipsis(s: string, max: number): string {
  const text = s.trim();
  if (text.length <= max) return text;
  return `${fitWords(text, max - 1).replace(/[.!?]+$/, '')}…`;
}

/** Whole sentences of `s`, in order, while they fit in `maxWords` (at least the first, shortened if need be). */
export function leadingSentences(s: string, maxWords: number): string {
  const sentences = s.match(/[^.!?]+(?:[.!?]+["'”’)]?|$)/g)?.map((x) => x.trim()).filter(Boolean) ?? [];
  const out: string[] = [];
  let words = 0;
  for (const sentence of sentences) {
    const n = countWords(sentence);
    if (out.length > 0 && words + n > maxWords) break;
    if (out.length === 0 && n > maxWords) {
      out.push(`${sentence.split(/\s+/).slice(0, maxWords).join(' ').replace(/[,;:]+$/, '')}…`);
      break;
    }
    out.push(sentence);
    words += n;
  }
  return out.join(' ');
}

/**
 * Whether a product name names several things ("Dried Mangoes 200g", "Baby Wipes, 3 packs"), so
 * the copy says "they are" rather than "it is". Looks at the head noun before any comma or "with".
 */
export function isPluralName(name: string): boolean {
  const head = name.split(/,|\s+(?:with|for|in|by|from|of|and)\s+|\s+[–—-]\s+/i)[0] ?? name;
  const words = head.split(/\s+/).filter((w) => /^[A-Za-z][A-Za-z'’-]*$/.test(w));
  const last = words[words.length - 1] ?? '';
  if (last.length < 3 || /^[A-Z]+$/.test(last)) return false;
  return /s$/i.test(last) && !/(?:ss|us|is|ics|ness)$/i.test(last);
}
