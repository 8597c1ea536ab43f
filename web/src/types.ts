/**
 * The API's shapes as the page reads them, inferred from the zod schemas the service answers with
 * (functions/routes/shapes, functions/core/schemas): a field renamed or retyped there fails the page's
 * typecheck instead of drifting. Every import here is `import type`, erased by the build, so no server
 * module and no zod reaches the page's bundle.
 */
import type * as z from 'zod/mini';
import type { FeatureId, PlanId } from '../../functions/config.ts';
import type { BlogInput, DesignInput, GenerateRequest, Language as LanguageShape, Tone } from '../../functions/core/schemas.ts';
import type { BrandVoiceRequest as BrandVoiceRequestShape } from '../../functions/core/brand-voice.ts';
import type { ErrorCode } from '../../functions/routes/route.ts';
import type { BlogPost as BlogPostShape } from '../../functions/routes/shapes/blog.ts';
import type { JobCreated as JobCreatedShape, Job as JobShape, JobRequest as JobRequestShape, ProductSummary as ProductSummaryShape } from '../../functions/routes/shapes/jobs.ts';
import type { AutoTopUp as AutoTopUpShape } from '../../functions/routes/shapes/auto-top-up.ts';
import type { BrandVoiceShape } from '../../functions/routes/shapes/brand-voice.ts';
import type { Catalog as CatalogShape } from '../../functions/routes/shapes/catalog.ts';
import type { CreditSource as CreditSourceShape, Credits } from '../../functions/routes/shapes/credits.ts';
import type { LedgerEntry } from '../../functions/routes/shapes/ledger.ts';
import type { TopUpPack as TopUpPackShape } from '../../functions/routes/shapes/packs.ts';
import type { PlanPreview as PlanPreviewShape } from '../../functions/routes/shapes/plans.ts';
import type { ListedTopUp as ListedTopUpShape, TopUp as TopUpShape } from '../../functions/routes/shapes/top-ups.ts';
import type { Usage as UsageShape } from '../../functions/routes/shapes/usage.ts';
import type {
  BlogVariant as BlogVariantShape,
  DesignVariant as DesignVariantShape,
  Generation as GenerationShape,
  GenerationSummary as GenerationSummaryShape,
  ImageVariant as ImageVariantShape,
  LockedVariant as LockedVariantShape,
  ProductContent as ProductContentShape,
  SeoVariant as SeoVariantShape,
  TextVariant as TextVariantShape,
  Upload as UploadShape,
} from '../../functions/routes/shapes/generations.ts';
import type { Notification } from '../../functions/routes/shapes/notifications.ts';
import type { ContentChange as ContentChangeShape, ContentVersion as ContentVersionShape } from '../../functions/routes/shapes/content-history.ts';

export type { FeatureId, PlanId, Tone };

// ---- Requests -----------------------------------------------------------------------------------

/** What `POST /v1/generations` takes as `input` for the feature. */
export type InputOf<F extends FeatureId> = Extract<GenerateRequest, { feature: F }>['input'];
export type BlogLength = BlogInput['length'];
export type DesignStyle = NonNullable<DesignInput['style']>;

// ---- Catalog (`GET /v1/catalog`) ------------------------------------------------------------------

export type Catalog = z.infer<typeof CatalogShape>;
export type CatalogPlan = Catalog['plans'][number];
export type CatalogFeature = Catalog['features'][number];
export type TopUpPack = z.infer<typeof TopUpPackShape>;

// ---- Credits, ledger, top-ups ---------------------------------------------------------------------

export type CreditsView = z.infer<typeof Credits>;

/** The page's own settings (`/config.json`), not an API answer. */
export interface RuntimeConfig {
  mode: 'local' | 'aws';
  apiBaseUrl: string;
  /** Where the host platform takes a merchant to change plan (aws mode; optional). */
  upgradeUrl?: string;
}

export type CreditAmounts = CreditsView['credits'];
/** One source of credits on the balance (`GET /v1/credits` `sources`), in burn-down order. */
export type CreditSource = z.infer<typeof CreditSourceShape>;
/** `GET /v1/credits/plan-preview?plan=`: the credits now and after a change to the plan. */
export type PlanPreview = z.infer<typeof PlanPreviewShape>;
/** `GET /v1/credits/usage`: generations and credits by feature, day or product over a range. */
export type Usage = z.infer<typeof UsageShape>;
export type UsageGroupBy = Usage['groupBy'];

/** One ledger entry: `bucket` is its first source; a charge or refund lists every part in `sources`. */
export type LedgerItem = z.infer<typeof LedgerEntry>;
export type LedgerBucket = LedgerItem['bucket'];

/** A page of any list: the items, newest first, and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type TopUp = z.infer<typeof TopUpShape>;
/** A top-up as `GET /v1/credits/top-ups` lists it: an auto top-up (`trigger: "auto"`) has no checkout. */
export type ListedTopUp = z.infer<typeof ListedTopUpShape>;

// ---- Generations --------------------------------------------------------------------------------

export type TextVariant = z.infer<typeof TextVariantShape>;
export type SeoVariant = z.infer<typeof SeoVariantShape>;
export type ImageVariant = z.infer<typeof ImageVariantShape>;
export type BlogVariant = z.infer<typeof BlogVariantShape>;
export type DesignVariant = z.infer<typeof DesignVariantShape>;
export type DesignSection = DesignVariant['sections'][number];
/** The free plan's teaser in a variant's place: an index and `locked: true`, nothing else. */
export type LockedVariant = z.infer<typeof LockedVariantShape>;

/** The variant each feature generates. */
export interface VariantByFeature {
  product_description: TextVariant;
  seo_meta: SeoVariant;
  image_enhancement: ImageVariant;
  blog_post: BlogVariant;
  website_design: DesignVariant;
}

/**
 * One entry of a generation's `variants`: the feature's variant or a locked teaser. The shape's
 * `variants` is a union over every feature; a generation of one feature holds that feature's only,
 * and `locked` tells the two apart (a generated variant never carries it).
 */
export type VariantEntry<F extends FeatureId> = (VariantByFeature[F] & { locked?: undefined }) | LockedVariant;

export type Generation<F extends FeatureId = FeatureId> = Omit<z.infer<typeof GenerationShape>, 'feature' | 'variants'> & {
  feature: F;
  variants: Array<VariantEntry<F>>;
};

export type ProductContent = z.infer<typeof ProductContentShape>;
/** One of the account's generations as `GET /v1/generations` lists it (no variants). */
export type GenerationSummary = z.infer<typeof GenerationSummaryShape>;

// ---- Content history --------------------------------------------------------------------------------

/** One value a product field had (`GET /v1/products/{id}/content/history`), newest first. */
export type ContentVersion = z.infer<typeof ContentVersionShape>;
export type ContentField = ContentVersion['field'];
/** What a manual edit or a restore wrote. */
export type ContentChange = z.infer<typeof ContentChangeShape>;

// ---- Blog, notifications, uploads -----------------------------------------------------------------

export type BlogPost = z.infer<typeof BlogPostShape>;
export type AppNotification = z.infer<typeof Notification>;
export type Upload = z.infer<typeof UploadShape>;

// ---- Brand voice (`GET`/`PUT /v1/brand-voice`) ---------------------------------------------------------

export type Language = LanguageShape;
export type BrandVoice = z.infer<typeof BrandVoiceShape>;
export type BrandVoiceRequest = BrandVoiceRequestShape;

// ---- Auto top-up (`GET`/`PUT /v1/credits/auto-top-up`) ----------------------------------------------

/** The setting and what it did (`{ enabled: false, … }` until one is stored). */
export type AutoTopUp = z.infer<typeof AutoTopUpShape>;
export type AutoTopUpAttempt = AutoTopUp['lastAttempts'][number];
export interface AutoTopUpRequest {
  enabled: boolean;
  packId: string;
  thresholdCredits: number;
  monthlyLimit: number;
}

// ---- Catalogue and bulk jobs (`GET /v1/products`, `/v1/generation-jobs`) ----------------------------------

export type JobRequest = z.infer<typeof JobRequestShape>;
export type JobFeature = JobRequest['feature'];
export type JobItemRequest = JobRequest['items'][number];
export type GenerationJobCreated = z.infer<typeof JobCreatedShape>;
export type GenerationJob = z.infer<typeof JobShape>;
export type JobStatus = GenerationJob['status'];
/** One product the service holds content for (`GET /v1/products`): which fields are set, and when. */
export type ProductListItem = z.infer<typeof ProductSummaryShape>;

// ---- Errors -------------------------------------------------------------------------------------

/**
 * The `error` member of every error response. The service declares each code's details as a zod shape
 * in a table keyed by code (functions/routes/errors.ts), typed as any shape, so the details are stated
 * here; `code` is the service's list, plus the codes the page makes for a failure that never reached it.
 */
export interface ApiErrorBody {
  code: ErrorCode | 'UPLOAD_FAILED' | `HTTP_${number}`;
  message: string;
  action?: 'upgrade' | 'top_up';
  required?: number;
  available?: number;
  cooldownUntil?: string;
  retryAfterSeconds?: number;
  creditsRefunded?: number;
  issues?: Array<{ path: string; message: string }>;
}
