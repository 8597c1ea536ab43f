/**
 * The offline text model: the local default (AI_PROVIDER=offline). No network, no model weights;
 * it writes from phrasebooks around the merchant's own facts. Deterministic: each variant is seeded
 * from the input, the generation id, the feature and the variant's index, so a replay writes the
 * same text, a regeneration (a new id) writes new text, and asking for one variant gives exactly
 * the variant 0 that asking for two would have given.
 */
import { ModelFailure } from '#core/errors.ts';
import {
  OUTPUT_LIMITS,
  type BlogVariant,
  type DescriptionVariant,
  type DesignVariant,
  type GenerateOptions,
  type SeoVariant,
  type TextGenerationRequest,
  type TextGenerationResult,
  type TextModel,
  type VariantOf,
} from '#core/model.ts';
import type { AppliedVoice } from '#core/brand-voice.ts';
import { voiceBreaks } from '#core/voice-check.ts';
import { writeBlogPost } from './offline/blog.ts';
import { designBase, designStore } from './offline/design.ts';
import { writeBlogPostFil } from './offline/fil/blog.ts';
import { audienceLineFil, describeProductFil, seoMetaFil } from './offline/fil/product-copy.ts';
import { describeProduct, seoMeta } from './offline/product-copy.ts';
import { productFacts } from './offline/product-facts.ts';
import { createRng, seedOf, type Rng } from './offline/random.ts';
import { clean, fitWords } from './offline/text.ts';
import { audienceSentence, decorateBlog, decorateDescription, decorateDesign, hasAvoided, scrub, seoMentionTail, withoutAvoided } from './offline/voice.ts';

type DesignBase = ReturnType<typeof designBase>;

export const OFFLINE_MODEL_ID = 'offline-v1';

/** Seeds tried per variant to write around phrasebook lines that hold a word the brand voice avoids. */
const VOICE_ATTEMPTS = 16;

export class OfflineModel implements TextModel {
  async generate<R extends TextGenerationRequest>(
    request: R,
    options: GenerateOptions,
  ): Promise<TextGenerationResult<VariantOf<R['feature']>>> {
    if (options.signal?.aborted) throw new ModelFailure('timeout', 'The generation was aborted before it started.');
    const indexes = options.count === 1 ? [0] : [0, 1];
    const voice = request.voice;
    // Attempt 0 is seeded as before the brand voice existed, so copy without a voice reads the same.
    const rngFor = (index: number, attempt: number) =>
      createRng(attempt === 0 ? seedOf(request.feature, request.input, options.generationId, index) : seedOf(request.feature, request.input, options.generationId, index, attempt));
    const base =
      request.feature === 'website_design'
        ? // Hue and fonts are drawn once for both proposals, so they can be kept apart.
          designBase(request.input, createRng(seedOf(request.feature, request.input, options.generationId, 'base')))
        : undefined;
    const variants: unknown[] = [];
    for (const i of indexes) {
      let written: unknown;
      for (let attempt = 0; attempt < (voice?.avoidWords.length ? VOICE_ATTEMPTS : 1); attempt++) {
        written = this.write(request, i, rngFor(i, attempt), variants, base);
        if (!voice || !voiceBreaks(request.feature, [written], voice)) break;
      }
      variants.push(voice?.avoidWords.length && voiceBreaks(request.feature, [written], voice) ? scrubVariant(request, written, voice) : written);
    }
    assertWithinLimits(request.feature, variants);
    return { variants: variants as VariantOf<R['feature']>[], modelId: OFFLINE_MODEL_ID, usage: null, calls: 1 };
  }

  /** Variant `i`, in the input's language, keeping the brand voice (`previous`: the variants already written). */
  private write(request: TextGenerationRequest, i: number, rng: Rng, previous: unknown[], base?: DesignBase): unknown {
    const voice = request.voice;
    const fil = 'language' in request.input && request.input.language === 'fil';
    const audience = voice?.audience ? clean(voice.audience) : null;
    switch (request.feature) {
      case 'product_description': {
        const facts = productFacts(withoutAvoided(request.input, voice));
        const v = fil ? describeProductFil(facts, rng, i) : describeProduct(facts, rng, i);
        if (!voice) return v;
        const line = audience ? (fil ? audienceLineFil(rng, audience) : audienceSentence(rng, audience)) : null;
        return decorateDescription(v, voice, line, OUTPUT_LIMITS.descriptionMaxChars);
      }
      case 'seo_meta': {
        const facts = productFacts(withoutAvoided(request.input, voice));
        const tail = seoMentionTail(voice);
        const max = OUTPUT_LIMITS.seoDescriptionMaxChars - (tail ? tail.length + 1 : 0);
        const other = previous[0] as SeoVariant | undefined;
        const v = fil ? seoMetaFil(facts, rng, i, other, max) : seoMeta(facts, rng, i, other, max);
        return tail ? { ...v, description: `${v.description} ${tail}` } : v;
      }
      case 'blog_post': {
        const input = voice?.avoidWords.length ? { ...request.input, keywords: request.input.keywords?.filter((k) => !hasAvoided(k, voice)) } : request.input;
        const products = request.products ?? [];
        const v = fil ? writeBlogPostFil(input, products, rng, i, audience) : writeBlogPost(input, products, rng, i);
        if (!voice) return v;
        return decorateBlog(v, voice, audience && !fil ? `This post is written for ${audience}.` : null);
      }
      case 'website_design': {
        const v = designStore(request.input, rng, i, base!);
        return voice ? decorateDesign(v, voice) : v;
      }
      default:
        throw new ModelFailure('invalid_output', `The offline model cannot write ${(request as { feature: string }).feature}.`);
    }
  }
}

/** The last resort when no seed dodged an avoided word: its sentences go. */
function scrubVariant(request: TextGenerationRequest, v: unknown, voice: AppliedVoice): unknown {
  const feature = request.feature;
  if (request.feature === 'seo_meta') {
    // The name was checked before the charge: a title that cannot keep its suffix is the name alone.
    const { title, description } = v as SeoVariant;
    return { title: hasAvoided(title, voice) ? fitWords(clean(request.input.name), OUTPUT_LIMITS.seoTitleMaxChars) : title, description: scrub(description, voice) };
  }
  if (feature === 'product_description') return { text: scrub((v as DescriptionVariant).text, voice) };
  if (feature === 'blog_post') {
    const b = v as BlogVariant;
    return { ...b, excerpt: scrub(b.excerpt, voice) || b.excerpt, bodyMarkdown: scrub(b.bodyMarkdown, voice) };
  }
  if (feature === 'website_design') {
    // A section left without copy goes (the hero stays: it opens every proposal).
    const d = v as DesignVariant;
    const sections = d.sections
      .map((x) => ({ ...x, headline: scrub(x.headline, voice) || x.headline, body: scrub(x.body, voice), ...(x.cta ? { cta: scrub(x.cta, voice) || undefined } : {}) }))
      .filter((x, i) => i === 0 || x.body);
    return { ...d, sections };
  }
  return v;
}

/** The phrasebooks are built to fit; this guards the contract should an edit ever break that. */
function assertWithinLimits(feature: TextGenerationRequest['feature'], variants: unknown[]): void {
  const bad = (why: string) => new ModelFailure('invalid_output', `Offline ${feature} variant out of limits: ${why}.`);
  for (const v of variants) {
    if (feature === 'product_description') {
      const { text } = v as DescriptionVariant;
      if (!text || text.length > OUTPUT_LIMITS.descriptionMaxChars) throw bad('description length');
    } else if (feature === 'seo_meta') {
      const { title, description } = v as SeoVariant;
      if (!title || title.length > OUTPUT_LIMITS.seoTitleMaxChars) throw bad('title length');
      if (!description || description.length > OUTPUT_LIMITS.seoDescriptionMaxChars) throw bad('description length');
    } else if (feature === 'blog_post') {
      const { title, excerpt, bodyMarkdown } = v as BlogVariant;
      if (!title || title.length > OUTPUT_LIMITS.blogTitleMaxChars) throw bad('title length');
      if (!excerpt || excerpt.length > OUTPUT_LIMITS.blogExcerptMaxChars) throw bad('excerpt length');
      if (!bodyMarkdown) throw bad('empty body');
    }
  }
}
