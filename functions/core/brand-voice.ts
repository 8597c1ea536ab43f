/**
 * An account's brand voice: the tone, audience, words to avoid, phrases to always mention and the
 * language of its text generations. Stored as its own item (not the balance item: changing the voice
 * is no credit change). `resolveVoice` merges it with a request's own `input.tone` / `input.language`
 * (the request wins); `voiceBreaks` (voice-check.ts) checks what either model wrote against it.
 */
import * as z from '#zod';
import { text } from './requests.ts';
import { Language, Tone } from './schemas.ts';

export const VOICE_LIMITS = {
  audienceMaxChars: 200,
  avoidWordsMax: 50,
  avoidWordMaxChars: 40,
  alwaysMentionMax: 10,
  /** Short enough that every phrase fits an SEO description (160) beside the product's name. */
  mentionMaxChars: 60,
} as const;

/** One word: letters and digits, inner hyphens or apostrophes ("eco-friendly", "don't"), no spaces. */
const word = text(1, VOICE_LIMITS.avoidWordMaxChars).check(
  z.regex(/^[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*$/u, 'one word: letters and digits, inner hyphens or apostrophes, no spaces'),
);

const fold = (s: string) => s.toLocaleLowerCase('en');
const unique = (items: string[]) => new Set(items.map(fold)).size === items.length;

export const BrandVoiceRequest = z
  .strictObject({
    tone: Tone,
    audience: z.optional(text(1, VOICE_LIMITS.audienceMaxChars)),
    avoidWords: z.optional(z.array(word).check(z.maxLength(VOICE_LIMITS.avoidWordsMax), z.refine(unique, 'words must be unique (case-insensitive)'))),
    alwaysMention: z.optional(
      z.array(text(1, VOICE_LIMITS.mentionMaxChars)).check(z.maxLength(VOICE_LIMITS.alwaysMentionMax), z.refine(unique, 'phrases must be unique (case-insensitive)')),
    ),
    language: Language,
  })
  // A phrase that must appear and a word that must not cannot both hold: refused rather than failing every generation.
  .check(
    z.refine((v) => !(v.alwaysMention ?? []).some((m) => (v.avoidWords ?? []).some((w) => containsWord(m, w))), {
      message: 'a phrase to always mention contains a word to avoid',
      path: ['alwaysMention'],
    }),
  );
export type BrandVoiceRequest = z.infer<typeof BrandVoiceRequest>;

export interface BrandVoice {
  tone: Tone;
  audience: string | null;
  avoidWords: string[];
  alwaysMention: string[];
  language: Language;
  /** null for the default voice (never set). */
  updatedAt: string | null;
}

/** What an account that never set a voice gets: the generations' own defaults, nothing avoided or added. */
export const DEFAULT_VOICE: BrandVoice = Object.freeze({
  tone: 'neutral',
  audience: null,
  avoidWords: [],
  alwaysMention: [],
  language: 'en',
  updatedAt: null,
}) as BrandVoice;

/** The voice store. Adapter: `adapters/dynamo-voice-store.ts` (the `VOICE` item of the account). */
export interface VoiceStore {
  /** The stored voice, or null when the account never set one. */
  get(accountId: string): Promise<BrandVoice | null>;
  put(accountId: string, voice: BrandVoice): Promise<void>;
}

export interface VoiceDeps {
  voices: VoiceStore;
  clock: { now(): Date };
}

export async function getBrandVoice(deps: VoiceDeps, accountId: string): Promise<BrandVoice> {
  return (await deps.voices.get(accountId)) ?? DEFAULT_VOICE;
}

/** Replaces the voice (a PUT: fields left out return to their defaults). Free, on any plan. */
export async function putBrandVoice(deps: VoiceDeps, accountId: string, req: BrandVoiceRequest): Promise<BrandVoice> {
  const voice: BrandVoice = {
    tone: req.tone,
    audience: req.audience ?? null,
    avoidWords: req.avoidWords ?? [],
    alwaysMention: req.alwaysMention ?? [],
    language: req.language,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.voices.put(accountId, voice);
  return voice;
}

/** What a text model is given besides the input: the parts of the voice a request cannot override. */
export interface AppliedVoice {
  audience: string | null;
  avoidWords: string[];
  alwaysMention: string[];
}

/**
 * The input a model sees: the request's own tone and language win, else the voice's. Design inputs have
 * no tone or language (their `style` sets the look); the voice's audience fills a missing `audience`.
 */
export function applyVoice(feature: string, input: Record<string, unknown>, voice: BrandVoice): Record<string, unknown> {
  if (feature === 'website_design') return input.audience === undefined && voice.audience ? { ...input, audience: voice.audience } : input;
  return { ...input, tone: input.tone ?? voice.tone, language: input.language ?? voice.language };
}

export const appliedVoice = (voice: BrandVoice): AppliedVoice => ({ audience: voice.audience, avoidWords: voice.avoidWords, alwaysMention: voice.alwaysMention });

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `textValue` holds `phrase` as whole words, case-insensitively (Unicode letters and digits bound a word). */
export function containsWord(textValue: string, phrase: string): boolean {
  const body = escape(phrase.trim()).replace(/\s+/g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'iu').test(textValue);
}

/** Whether `textValue` holds any word the voice avoids. */
export const hasAvoided = (textValue: string, voice: Pick<AppliedVoice, 'avoidWords'>): boolean => voice.avoidWords.some((w) => containsWord(textValue, w));
