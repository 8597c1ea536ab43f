/**
 * How the offline writer keeps a brand voice: the merchant's words that contain an avoided word are left
 * out of the facts before writing, the audience gets a sentence, and the phrases to mention are added
 * as sentences of their own where the feature's limits leave room. Lines of the phrasebook that happen
 * to hold an avoided word are dodged by writing again with another seed (offline-model.ts); `scrub` is
 * the last resort that drops such sentences.
 */
import type { AppliedVoice } from '#core/brand-voice.ts';
import { containsWord, hasAvoided } from '#core/brand-voice.ts';

export { hasAvoided };
import type { BlogVariant, DesignVariant, DescriptionVariant } from '#core/model.ts';
import type { ProductInput } from '#core/schemas.ts';
import { mentionsFor } from '#core/voice-check.ts';
import type { Rng } from './random.ts';
import { capitalize } from './text.ts';

const AUDIENCE_EN = ['Made with {a} in mind.', 'A thoughtful choice for {a}.', 'Chosen with {a} in mind.'];


/** The product input without the merchant's words the voice avoids (the name is checked before the charge). */
export function withoutAvoided(input: ProductInput, voice: AppliedVoice | undefined): ProductInput {
  if (!voice?.avoidWords.length) return input;
  const keep = (items?: string[]) => items?.filter((x) => !hasAvoided(x, voice));
  return {
    ...input,
    category: input.category && !hasAvoided(input.category, voice) ? input.category : undefined,
    features: keep(input.features),
    keywords: keep(input.keywords),
  };
}

/** The phrases as sentences: "Free shipping over $50. Handmade in Cebu." */
export function mentionSentences(phrases: readonly string[]): string {
  // A phrase is quoted as the merchant wrote it; only an all-lowercase first word gets its capital ("iPhone" stays).
  const start = (p: string) => (/^[a-z]+(?:\s|$)/.test(p) ? capitalize(p) : p);
  return phrases.map((p) => (/[.!?]$/.test(p) ? start(p) : `${start(p)}.`)).join(' ');
}

export function audienceSentence(rng: Rng, audience: string): string {
  return rng.pick(AUDIENCE_EN).replace('{a}', audience);
}

/** The description with the audience after its first paragraph and the phrases closing it, within `max`. */
export function decorateDescription(v: DescriptionVariant, voice: AppliedVoice, audienceLine: string | null, max: number): DescriptionVariant {
  const paragraphs = v.text.split('\n\n');
  if (audienceLine) paragraphs.splice(1, 0, audienceLine);
  const mentions = mentionSentences(voice.alwaysMention);
  if (mentions) paragraphs.push(mentions);
  let text = paragraphs.join('\n\n');
  // Dropping a middle paragraph keeps the phrases and the opening when the whole is too long.
  while (text.length > max && paragraphs.length > 3) {
    paragraphs.splice(paragraphs.length - 2, 1);
    text = paragraphs.join('\n\n');
  }
  return { text };
}

/** Room the SEO description must leave for the phrases that fit there (voice-check.ts `mentionsFor`). */
export function seoMentionTail(voice: AppliedVoice | undefined): string {
  return voice ? mentionSentences(mentionsFor('seo_meta', voice.alwaysMention)) : '';
}

export function decorateBlog(v: BlogVariant, voice: AppliedVoice, audienceLine: string | null): BlogVariant {
  const blocks = v.bodyMarkdown.split('\n\n');
  if (audienceLine) blocks.splice(1, 0, audienceLine);
  const mentions = mentionSentences(voice.alwaysMention);
  if (mentions) blocks.push(mentions);
  return { ...v, bodyMarkdown: blocks.join('\n\n') };
}

/** The phrases join the story section (else the last one). */
export function decorateDesign(v: DesignVariant, voice: AppliedVoice): DesignVariant {
  const mentions = mentionSentences(voice.alwaysMention);
  if (!mentions) return v;
  const about = v.sections.findIndex((s) => s.type === 'about');
  const at = about >= 0 ? about : v.sections.length - 1;
  return { ...v, sections: v.sections.map((s, i) => (i === at ? { ...s, body: `${s.body} ${mentions}` } : s)) };
}

/** Sentences holding an avoided word, dropped (a line of the text keeps at least nothing rather than the word). */
export function scrub(text: string, voice: AppliedVoice): string {
  return text
    .split('\n')
    .map((line) => (line.match(/[^.!?]+(?:[.!?]+|$)/g) ?? [line]).filter((s) => !hasAvoided(s, voice)).join('').trim())
    .filter((line, i, all) => line || (i > 0 && all[i - 1] !== ''))
    .join('\n');
}
