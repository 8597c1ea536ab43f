/**
 * The brand voice checked in code after either model: no selectable variant may contain an avoided word
 * (case-insensitive, whole word), and each must contain every phrase to always mention where the
 * feature's limits leave room (the SEO title never has to; the SEO description holds the phrases that
 * fit beside the product, `mentionsFor`). Reasons are safe to log: they name the rule and the variant,
 * never the merchant's words or the model's text. The feedback for a retried model call names avoided
 * words (single words, by their schema) and points at phrases by their number in the voice.
 */
import { ValidationFailed } from './errors.ts';
import { applyVoice, appliedVoice, containsWord, hasAvoided, type AppliedVoice, type VoiceStore } from './brand-voice.ts';

type Feature = 'product_description' | 'seo_meta' | 'blog_post' | 'website_design';

/** Room the SEO description keeps for the phrases (the rest of its 160 characters names the product). */
const SEO_MENTION_ROOM = 100;

/** The phrases a variant of `feature` must hold: all of them, except in SEO where only those that fit (in order). */
export function mentionsFor(feature: string, mentions: readonly string[]): string[] {
  if (feature !== 'seo_meta') return [...mentions];
  const out: string[] = [];
  let used = 0;
  for (const m of mentions) {
    if (used + m.length + 2 > SEO_MENTION_ROOM) break;
    out.push(m);
    used += m.length + 2;
  }
  return out;
}

/** Every string of a variant the merchant would publish, and the part the phrases must appear in. */
function textsOf(feature: Feature, variant: any): { all: string[]; mentionIn: string } {
  switch (feature) {
    case 'product_description':
      return { all: [variant.text], mentionIn: variant.text };
    case 'seo_meta':
      return { all: [variant.title, variant.description], mentionIn: variant.description };
    case 'blog_post':
      return { all: [variant.title, variant.excerpt, variant.bodyMarkdown], mentionIn: [variant.title, variant.excerpt, variant.bodyMarkdown].join('\n') };
    case 'website_design': {
      const all = (variant.sections as Array<{ headline: string; body: string; cta?: string }>).flatMap((s) => [s.headline, s.body, s.cta ?? '']);
      return { all, mentionIn: all.join('\n') };
    }
  }
}

export interface VoiceBreak {
  /** For logs and the failure: the rule and the variant only. */
  reason: string;
  /** For the model's second try: what to change. */
  feedback: string;
}

/** The first way the variants break the voice, or null when they all keep it. */
export function voiceBreaks(feature: Feature, variants: unknown[], voice: AppliedVoice): VoiceBreak | null {
  const mentions = mentionsFor(feature, voice.alwaysMention);
  for (const [i, variant] of variants.entries()) {
    const { all, mentionIn } = textsOf(feature, variant);
    const avoided = voice.avoidWords.filter((w) => all.some((t) => containsWord(t, w)));
    if (avoided.length) {
      return {
        reason: `variant ${i} contains ${avoided.length} avoided word(s) of the brand voice`,
        feedback: `variant ${i + 1} uses words the brand voice forbids (${avoided.map((w) => JSON.stringify(w)).join(', ')}); write it without them`,
      };
    }
    const missing = mentions.flatMap((m, n) => (containsWord(mentionIn, m) ? [] : [n + 1]));
    if (missing.length) {
      // Phrases are free merchant text: the feedback, which sits outside the data block, points at them by number.
      return {
        reason: `variant ${i} lacks ${missing.length} phrase(s) the brand voice always mentions`,
        feedback: `variant ${i + 1} lacks phrase number ${missing.join(', ')} of brandVoice.alwaysMention; include every phrase word for word`,
      };
    }
  }
  return null;
}

/**
 * What the copy has to quote (a product's name, a post's topic, a store's name) cannot avoid a word in it:
 * refused before anything is counted or charged, rather than failing the model twice.
 */
export function assertQuotableUnderVoice(feature: string, input: Record<string, unknown>, voice: AppliedVoice): void {
  const field = feature === 'blog_post' ? 'topic' : feature === 'website_design' ? 'storeName' : 'name';
  const value = input[field];
  if (typeof value !== 'string' || !voice.avoidWords.length) return;
  if (hasAvoided(value, voice)) {
    throw new ValidationFailed(
      [{ path: `input.${field}`, message: 'contains a word the brand voice avoids, and the copy has to quote it' }],
      `input.${field} contains a word your brand voice avoids. Change the ${field} or the voice's avoidWords.`,
    );
  }
}

/**
 * What the model of one text generation is given, and what its answer is checked against: the input with
 * the voice's tone and language where the request set none (the stored generation keeps the request's),
 * and the rest of the voice. No voice set: the input as it came, nothing to check.
 */
export async function voiceFor(voices: VoiceStore, accountId: string, feature: string, input: Record<string, unknown>): Promise<{ input: Record<string, unknown>; voice?: AppliedVoice }> {
  const stored = await voices.get(accountId);
  if (!stored) return { input };
  const voice = appliedVoice(stored);
  const modelInput = applyVoice(feature, input, stored);
  assertQuotableUnderVoice(feature, modelInput, voice);
  return { input: modelInput, voice };
}
