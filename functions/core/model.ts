/**
 * The text-model port. One call returns every variant the merchant will see, so a generation costs
 * exactly one model call. Adapters: `adapters/offline-model.ts` (deterministic, no network, the local
 * default) and `adapters/bedrock-model.ts` (Bedrock Converse with a forced tool call).
 * Adapters validate what comes back and throw `ModelFailure` (from `errors.ts`) on any failure.
 */
import type { AppliedVoice } from './brand-voice.ts';
import type { BlogInput, DesignInput, ProductInput } from './schemas.ts';

export interface DescriptionVariant { text: string }
export interface SeoVariant { title: string; description: string }
export interface BlogVariant { title: string; excerpt: string; bodyMarkdown: string }
export interface DesignVariant {
  palette: { primary: string; secondary: string; accent: string; background: string; text: string };
  fonts: { heading: string; body: string };
  sections: Array<{
    type: 'hero' | 'featured_products' | 'testimonials' | 'about' | 'newsletter' | 'faq';
    headline: string;
    body: string;
    cta?: string;
  }>;
}

/** Facts about a product the merchant already stored, given to blog posts that name products. */
export interface ProductFact { productId: string; name: string; description: string | null }

/**
 * The input carries the tone and language in force (the request's own, else the brand voice's); `voice`
 * the rest of the brand voice, which every variant must keep (checked in code after the model, voice-check.ts).
 */
export type TextGenerationRequest = (
  | { feature: 'product_description'; input: ProductInput }
  | { feature: 'seo_meta'; input: ProductInput }
  | { feature: 'blog_post'; input: BlogInput; products: ProductFact[] }
  | { feature: 'website_design'; input: DesignInput }
) & { voice?: AppliedVoice };

export type VariantOf<F extends TextGenerationRequest['feature']> = F extends 'product_description'
  ? DescriptionVariant
  : F extends 'seo_meta'
    ? SeoVariant
    : F extends 'blog_post'
      ? BlogVariant
      : DesignVariant;

export interface GenerateOptions {
  /** Unique per generation: the offline model seeds on it, so a regeneration writes new text. */
  generationId: string;
  /** How many variants to write (the free plan asks for 1: its locked teaser is never generated). */
  count: 1 | 2;
  /** Aborted when the time budget of the request runs out. */
  signal?: AbortSignal;
  /** Why the previous answer of this generation was refused (the brand voice check): the second try is told. */
  feedback?: string;
}

export interface TokenUsage { inputTokens: number; outputTokens: number }

export interface TextGenerationResult<V = unknown> {
  variants: V[];
  modelId: string;
  usage: TokenUsage | null;
  /** Model calls made (a malformed answer may be retried once within budget). */
  calls: number;
}

export interface TextModel {
  generate<R extends TextGenerationRequest>(request: R, options: GenerateOptions): Promise<TextGenerationResult<VariantOf<R['feature']>>>;
}

/** Limits every adapter enforces on what it returns. */
export const OUTPUT_LIMITS = {
  descriptionMaxChars: 2000,
  seoTitleMaxChars: 60,
  seoDescriptionMaxChars: 160,
  blogTitleMaxChars: 70,
  blogExcerptMaxChars: 200,
  blogWords: { short: 300, medium: 600, long: 1000 },
} as const;
