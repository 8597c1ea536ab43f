/**
 * What the offline writer knows about a product: only the merchant's own words, cleaned and sorted
 * by how they can be phrased. Nothing here adds a fact; it only decides which sentence shapes fit.
 */
import type { ProductInput, Tone } from '#core/schemas.ts';
import { cleanList, clean, isPluralName } from './text.ts';

export interface Grammar {
  /** "it" / "they" */
  it: string;
  It: string;
  /** "it's" / "they're" */
  itIs: string;
  ItIs: string;
  /** "is" / "are" */
  is: string;
  /** "its" / "their" */
  its: string;
  /** "it" / "them" */
  obj: string;
  /** A third-person verb ("makes") agreed with the subject ("make" for a plural product). */
  verb(v: string): string;
}

export interface ProductFacts {
  name: string;
  category: string | null;
  /** Up to three, none equal to the name. */
  keywords: string[];
  /** Up to eight, in the merchant's order. */
  features: string[];
  /** "for cooking and skin care" → "cooking and skin care". */
  uses: string[];
  /** Reads after "it's": "pre-seasoned", "oven safe", "made in small batches". */
  traits: string[];
  /** Reads after "it": "works on induction", "fits E27 sockets". */
  actions: string[];
  /** Care notes in the imperative: "refrigerate after opening". */
  instructions: string[];
  /** Everything else: noun phrases and specs, only ever shown as a list. */
  details: string[];
  /** A detail that reads well after "the", to single out in prose (none with numbers or specs). */
  highlight: string | null;
  tone: Tone;
  g: Grammar;
}

const PARTICIPLE = /^(?:from|made|handmade|hand-made|roasted|brewed|sourced|crafted|handcrafted|designed|built|packed|packaged|grown|harvested|printed|woven|sewn|stitched|finished|baked|dried|cured|aged|distilled|fermented|blended|certified|approved|washed|sealed|tested|shipped)$/i;
const ADJECTIVE_TAIL = /(?:based|safe|free|friendly|compatible|proof|resistant|washable|ready|certified|approved|rated|reusable|recyclable|adjustable|foldable|portable|refillable)$/i;
const AFTER_PARTICIPLE = new Set(['from', 'in', 'by', 'with', 'on', 'at', 'to', 'for', 'weekly', 'daily', 'locally', 'fresh', 'by', 'using', 'without', 'under']);
const ACTION = /^(?:makes|works|fits|charges|rolls|folds|comes|keeps|holds|supports|connects|pairs|stores|stacks|converts|adjusts|lasts|cleans|heats|cools|doubles|turns|attaches|clips|slides|opens|closes|syncs|runs)$/i;
const IMPERATIVE = /^(?:refrigerate|store|keep|wash|hand-wash|handwash|shake|apply|use|wipe|avoid|do|dry|serve|chill|rinse|remove|iron)$/i;
const NUMBER_WORD = /^(?:from|with|for|of|in|on|by|at|and|or|the|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|half|about|approx|approximately|up|over|under|sizes?|ages?|no|non|not)$/i;

function classify(feature: string): 'use' | 'trait' | 'action' | 'instruction' | 'detail' {
  const words = feature.split(/\s+/);
  const first = words[0] ?? '';
  const last = words[words.length - 1] ?? '';
  if (/^for$/i.test(first) && words.length > 1) return 'use';
  if (IMPERATIVE.test(first) && words.length > 1) return 'instruction';
  if (ACTION.test(first) && words.length > 1) return 'action';
  if (/\d|:/.test(feature)) return 'detail';
  if (words.length === 1 && (/ed$/i.test(first) || PARTICIPLE.test(first) || ADJECTIVE_TAIL.test(first))) return 'trait';
  if (/^from$/i.test(first) && words.length > 1) return 'trait';
  if ((PARTICIPLE.test(first) || /ed$/i.test(first)) && AFTER_PARTICIPLE.has((words[1] ?? '').toLowerCase())) return 'trait';
  if (words.length <= 3 && ADJECTIVE_TAIL.test(last) && !/^(?:no|with)$/i.test(first)) return 'trait';
  return 'detail';
}

/** "makes" → "make", "charges" → "charge", "carries" → "carry". */
function unconjugate(phrase: string): string {
  const [verb, ...rest] = phrase.split(' ');
  let base = verb;
  if (/^does$/i.test(verb)) base = verb.slice(0, 2);
  else if (/(?:ch|sh|ss|x|z)es$/i.test(verb)) base = verb.slice(0, -2);
  else if (/[^aeiou]ies$/i.test(verb)) base = `${verb.slice(0, -3)}y`;
  else if (/s$/i.test(verb)) base = verb.slice(0, -1);
  return [base, ...rest].join(' ');
}

const lowerFirstWord = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export function productFacts(input: ProductInput): ProductFacts {
  const name = clean(input.name) || 'this product';
  const features = cleanList(input.features, 8);
  const keywords = cleanList(input.keywords, 3).filter((k) => k.toLowerCase() !== name.toLowerCase());
  const plural = isPluralName(name);
  const facts: ProductFacts = {
    name,
    category: clean(input.category) || null,
    keywords,
    features,
    uses: [],
    traits: [],
    actions: [],
    instructions: [],
    details: [],
    highlight: null,
    tone: input.tone ?? 'neutral',
    g: {
      it: plural ? 'they' : 'it',
      It: plural ? 'They' : 'It',
      itIs: plural ? "they're" : "it's",
      ItIs: plural ? "They're" : "It's",
      is: plural ? 'are' : 'is',
      its: plural ? 'their' : 'its',
      obj: plural ? 'them' : 'it',
      verb: (v) => (plural ? unconjugate(v) : v),
    },
  };
  for (const feature of features) {
    const kind = classify(feature);
    // The classifier matched on a lowercase grammar word, so lowering it cannot break a proper noun.
    if (kind === 'use') facts.uses.push(feature.replace(/^for\s+/i, ''));
    else if (kind === 'trait') facts.traits.push(/^[A-Z][a-z]/.test(feature) ? lowerFirstWord(feature) : feature);
    else if (kind === 'action') facts.actions.push(lowerFirstWord(feature));
    else if (kind === 'instruction') facts.instructions.push(lowerFirstWord(feature));
    else facts.details.push(feature);
  }
  facts.highlight =
    facts.details.find((d) => {
      const words = d.split(/\s+/);
      return words.length <= 5 && !/[\d:;()%/]/.test(d) && !NUMBER_WORD.test(words[0] ?? '') && !/\b(?:included|per)\b/i.test(d);
    }) ?? null;
  return facts;
}
