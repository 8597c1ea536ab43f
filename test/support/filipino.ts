/**
 * Is this copy Filipino? After the merchant's own words are taken out (names, features and keywords are
 * quoted as given, often in English), the words left must be Filipino sentences: a fair share of them
 * Filipino function words, and no English function word at all (an English sentence could not hide).
 */
const FILIPINO = new Set(
  'ang ng mga sa na at ay ito iyong iyo mo ka ko namin natin kami tayo para kung nang din rin lang lamang pa ba po niya nito rito dito iyan iyon o pero dahil kaya kapag habang bago may mayroon hindi huwag siya sila kanila ating aming ni si kay'.split(' '),
);
const ENGLISH = new Set('the and is are was were you your our we with this that these those it its of to for from an in on will be been has have by or but not'.split(' '));

const tokens = (s: string) => s.toLowerCase().match(/[\p{L}'’-]+/gu) ?? [];

/** The text without the merchant's strings (longest first), so only the writer's own words remain. */
export function writersWords(text: string, merchant: readonly (string | null | undefined)[]): string[] {
  let rest = text;
  for (const m of [...merchant].filter((x): x is string => !!x).sort((a, b) => b.length - a.length)) rest = rest.split(m).join(' ').split(m.toLowerCase()).join(' ');
  // List items and headings start with a capital: compare case-insensitively.
  for (const m of merchant.filter((x): x is string => !!x)) rest = rest.replace(new RegExp(m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ' ');
  return tokens(rest);
}

export function filipinoShare(words: readonly string[]): number {
  return words.length ? words.filter((w) => FILIPINO.has(w)).length / words.length : 0;
}

export function englishFunctionWords(words: readonly string[]): string[] {
  return words.filter((w) => ENGLISH.has(w));
}
