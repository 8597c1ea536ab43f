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
  type GenerateOptions,
  type SeoVariant,
  type TextGenerationRequest,
  type TextGenerationResult,
  type TextModel,
  type VariantOf,
} from '#core/model.ts';
import { writeBlogPost } from './offline/blog.ts';
import { designBase, designStore } from './offline/design.ts';
import { describeProduct, seoMeta } from './offline/product-copy.ts';
import { productFacts } from './offline/product-facts.ts';
import { createRng, seedOf } from './offline/random.ts';

export const OFFLINE_MODEL_ID = 'offline-v1';

export class OfflineModel implements TextModel {
  async generate<R extends TextGenerationRequest>(
    request: R,
    options: GenerateOptions,
  ): Promise<TextGenerationResult<VariantOf<R['feature']>>> {
    if (options.signal?.aborted) throw new ModelFailure('timeout', 'The generation was aborted before it started.');
    const indexes = options.count === 1 ? [0] : [0, 1];
    const rngFor = (index: number) => createRng(seedOf(request.feature, request.input, options.generationId, index));
    const variants = this.write(request, indexes, rngFor, options.generationId);
    assertWithinLimits(request.feature, variants);
    return { variants: variants as VariantOf<R['feature']>[], modelId: OFFLINE_MODEL_ID, usage: null, calls: 1 };
  }

  private write(
    request: TextGenerationRequest,
    indexes: number[],
    rngFor: (index: number) => ReturnType<typeof createRng>,
    generationId: string,
  ): unknown[] {
    switch (request.feature) {
      case 'product_description': {
        const facts = productFacts(request.input);
        return indexes.map((i) => describeProduct(facts, rngFor(i), i));
      }
      case 'seo_meta': {
        const facts = productFacts(request.input);
        const out: SeoVariant[] = [];
        for (const i of indexes) out.push(seoMeta(facts, rngFor(i), i, out[0]));
        return out;
      }
      case 'blog_post':
        return indexes.map((i) => writeBlogPost(request.input, request.products ?? [], rngFor(i), i));
      case 'website_design': {
        // Hue and fonts are drawn once for both proposals, so they can be kept apart.
        const base = designBase(request.input, createRng(seedOf(request.feature, request.input, generationId, 'base')));
        return indexes.map((i) => designStore(request.input, rngFor(i), i, base));
      }
      default:
        throw new ModelFailure('invalid_output', `The offline model cannot write ${(request as { feature: string }).feature}.`);
    }
  }
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
