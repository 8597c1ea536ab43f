/**
 * What differs between AI features, behind one interface, so that charging, refunds, idempotency and
 * the rate limit are written once (`generations.ts`). A feature checks its references before anything
 * is counted or charged, writes its variants, shows them, and stores a selection.
 */
import { setProductContent, type ContentHistoryStore } from './content-history.ts';
import type { UsageDeps } from './operator-usage.ts';
import type { FeatureId } from '../config.ts';
import type { CreditsDeps } from './credits.ts';
import type { GenerationRecord, GenerationStore } from './generation-store.ts';
import type { ImageModel, UploadStore } from './images.ts';
import type { DesignVariant, DescriptionVariant, ProductFact, SeoVariant, TextGenerationRequest, TextModel, TokenUsage } from './model.ts';
import type { AppliedVoice, VoiceStore } from './brand-voice.ts';
import { voiceBreaks } from './voice-check.ts';
import { ModelFailure, NotFound } from './errors.ts';
import { enforceDesignRules } from './design-rules.ts';
import type { RateLimitDeps } from './rate-limit.ts';
import type { TelemetryDeps } from './telemetry.ts';
import type { TopUpStore } from './top-up-store.ts';
import type { BlogInput, DesignInput, ProductInput } from './schemas.ts';

export interface GenerationDeps extends CreditsDeps, RateLimitDeps, TelemetryDeps, UsageDeps {
  /** The content history a selected variant is written to (generations-select). */
  history?: ContentHistoryStore;
  generations: GenerationStore;
  /** Brand voices, read before every text generation (cached briefly in the process, dynamo-voice-store.ts). */
  voices: VoiceStore;
  model: TextModel;
  /** Time a generation may spend on its model call(s), under API Gateway's 30 s. */
  modelTimeBudgetMs: number;
  /** Image enhancement only (`image-feature.ts`): merchants' uploads and stored results. */
  uploads?: UploadStore;
  /** Image enhancement only: the image model of `AI_PROVIDER`. */
  images?: ImageModel;
  /** The charging functions: where an auto top-up is written (`auto-top-up.ts`). */
  topUps?: TopUpStore;
}

export interface GenerateContext<I = unknown, P = unknown> {
  accountId: string;
  generationId: string;
  productId: string | null;
  input: I;
  /** Variants to write: the free plan's locked teasers are never generated. */
  count: 1 | 2;
  signal: AbortSignal;
  /** What `prepare` returned. */
  prepared: P;
  /** Text features: the brand voice's audience, words to avoid and phrases to mention (tone and language are in `input`). */
  voice?: AppliedVoice;
}

export interface Written {
  variants: unknown[];
  modelId: string;
  usage: TokenUsage | null;
  calls: number;
}

export interface FeatureModule<I = unknown, P = unknown> {
  /** Resolves references (404) and checks them (400) before the attempt is counted or charged. */
  prepare?(deps: GenerationDeps, accountId: string, input: I, productId: string | null): Promise<P>;
  generate(deps: GenerationDeps, ctx: GenerateContext<I, P>): Promise<Written>;
  /** The public shape of a stored variant (without `index`); also used for a selected product image, outside any generation. */
  view?(deps: GenerationDeps, variant: unknown, g?: GenerationRecord): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Stores the merchant's choice. */
  select(deps: GenerationDeps, g: GenerationRecord, variant: unknown, at: string): Promise<void>;
}

/**
 * One text generation through the model port, with the brand voice checked in code afterwards: an answer
 * that breaks it is retried once (the model is told why), a second break is a model failure (refund, 502).
 */
async function generateText(deps: GenerationDeps, request: TextGenerationRequest, ctx: GenerateContext): Promise<Written> {
  const options = { generationId: ctx.generationId, count: ctx.count, signal: ctx.signal };
  const first = await deps.model.generate({ ...request, voice: ctx.voice }, options);
  const broken = ctx.voice && voiceBreaks(request.feature, first.variants, ctx.voice);
  if (!broken) return first;
  const second = await deps.model.generate({ ...request, voice: ctx.voice }, { ...options, feedback: broken.feedback });
  const calls = first.calls + second.calls;
  const again = voiceBreaks(request.feature, second.variants, ctx.voice!);
  if (again) throw new ModelFailure('invalid_output', `The answer broke the brand voice after ${calls} call(s): ${again.reason}`);
  const usage = first.usage && second.usage
    ? { inputTokens: first.usage.inputTokens + second.usage.inputTokens, outputTokens: first.usage.outputTokens + second.usage.outputTokens }
    : (second.usage ?? first.usage);
  return { ...second, usage, calls };
}

const textGenerate =
  <F extends 'product_description' | 'seo_meta' | 'website_design'>(feature: F) =>
  async (deps: GenerationDeps, ctx: GenerateContext): Promise<Written> =>
    generateText(deps, { feature, input: ctx.input } as TextGenerationRequest, ctx);

export const productDescription: FeatureModule<ProductInput> = {
  generate: textGenerate('product_description'),
  async select(deps, g, variant, at) {
    // The name is kept with the text so that blog posts can name the product they quote.
    const name = (g.input as ProductInput).name;
    await setProductContent(deps, g.accountId, g.productId!, { description: (variant as DescriptionVariant).text, name }, 'generation', at, g.id);
  },
};

export const seoMeta: FeatureModule<ProductInput> = {
  generate: textGenerate('seo_meta'),
  async select(deps, g, variant, at) {
    const v = variant as SeoVariant;
    await setProductContent(deps, g.accountId, g.productId!, { seo: { title: v.title, description: v.description }, name: (g.input as ProductInput).name }, 'generation', at, g.id);
  },
};

/** Blog posts weave in the stored descriptions of the products they name, and nothing else about them. */
export const blogPost: FeatureModule<BlogInput, ProductFact[]> = {
  async prepare(deps, accountId, input) {
    const facts: ProductFact[] = [];
    for (const productId of new Set(input.productIds ?? [])) {
      const p = await deps.generations.getProduct(accountId, productId);
      if (!p) throw new NotFound(`Product ${productId} has no stored content to write about.`);
      facts.push({ productId, name: p.name ?? productId, description: p.description });
    }
    return facts;
  },
  async generate(deps, ctx) {
    return generateText(deps, { feature: 'blog_post', input: ctx.input, products: ctx.prepared }, ctx);
  },
  // The chosen draft is the generation's selectedIndex; scheduling it is `POST /v1/blog-posts`.
  async select() {},
};

export const websiteDesign: FeatureModule<DesignInput> = {
  async generate(deps, ctx) {
    const written = await textGenerate('website_design')(deps, ctx);
    return { ...written, variants: (written.variants as DesignVariant[]).map(enforceDesignRules) };
  },
  async select(deps, g, variant, at) {
    await deps.generations.setStoreDesign(g.accountId, variant as DesignVariant, g.id, at);
  },
};

const modules: Partial<Record<FeatureId, FeatureModule<any, any>>> = {
  product_description: productDescription,
  seo_meta: seoMeta,
  blog_post: blogPost,
  website_design: websiteDesign,
};

/** Lets a feature living in its own module (image enhancement) join the registry. */
export function registerFeature(id: FeatureId, module: FeatureModule<any, any>): void {
  modules[id] = module;
}

export function featureModule(id: FeatureId): FeatureModule<any, any> | undefined {
  return modules[id];
}
