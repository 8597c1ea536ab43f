/**
 * Plans, feature costs, limits and top-up packs: the one typed place that knows them.
 * Nothing else in the codebase hard-codes an allowance, a cost or a limit.
 */

/** The scope admin routes require. */
export const ADMIN_SCOPE = 'credits:admin';

export const PLAN_IDS = ['free', 'plus', 'pro', 'premium'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

/**
 * What a plan may do, by name. Every rule that differs between plans reads one of these (or the
 * feature's `plans`), never whether the plan is paid: a plan is its capabilities.
 */
export interface PlanCapabilities {
  /** May buy top-up packs (`POST /v1/credits/top-ups`, the Top Up button). */
  topUp: boolean;
  /** Every variant of a generation is selectable; otherwise only the feature's `freeSelectableVariants`, the rest locked teasers. */
  allVariants: boolean;
}

export interface Plan {
  id: PlanId;
  /** The plan's name as merchants read it. */
  label: string;
  /** Credits the allowance bucket is set to at creation, plan change and monthly refresh. */
  monthlyAllowance: number;
  /** The subscription's list price per month, as the billing system charges it (the Upgrade modal, operator margin). */
  monthlyPrice: Price;
  capabilities: PlanCapabilities;
}

/** A list price in USD, as a decimal string with two places (never a float). */
export interface Price {
  amount: string;
  currency: 'USD';
}

export const PLANS: Record<PlanId, Plan> = {
  free: { id: 'free', label: 'Free', monthlyAllowance: 25, monthlyPrice: { amount: '0.00', currency: 'USD' }, capabilities: { topUp: false, allVariants: false } },
  plus: { id: 'plus', label: 'Plus', monthlyAllowance: 100, monthlyPrice: { amount: '9.00', currency: 'USD' }, capabilities: { topUp: true, allVariants: true } },
  pro: { id: 'pro', label: 'Pro', monthlyAllowance: 200, monthlyPrice: { amount: '19.00', currency: 'USD' }, capabilities: { topUp: true, allVariants: true } },
  premium: { id: 'premium', label: 'Premium', monthlyAllowance: 400, monthlyPrice: { amount: '39.00', currency: 'USD' }, capabilities: { topUp: true, allVariants: true } },
};

/**
 * What a merchant out of credits is told to do next (the 402's `action`, the low-balance notice): buy a
 * pack where the plan may, else move to a plan with a larger allowance. Derived from `topUp`, so the
 * advice can never name a purchase the plan refuses.
 */
export function outOfCreditsAction(plan: PlanId): 'top_up' | 'upgrade' {
  return PLANS[plan].capabilities.topUp ? 'top_up' : 'upgrade';
}

export const FEATURE_IDS = [
  'product_description',
  'seo_meta',
  'image_enhancement',
  'blog_post',
  'website_design',
] as const;
export type FeatureId = (typeof FEATURE_IDS)[number];

export interface Feature {
  id: FeatureId;
  /**
   * The feature's name as merchants read it, in the words of the page (a merchant enhances a photo,
   * not an image): plural, as it names what is generated, so it reads in "… are available on paid plans".
   */
  label: string;
  /** One generation of it, as the usage history names a charge ("Used · Blog post"). */
  shortLabel: string;
  /** Credits charged per generate or regenerate. */
  cost: number;
  /** Plans that may use the feature at all. */
  plans: readonly PlanId[];
  /** Selectable variants on a plan with `allVariants`. */
  variants: number;
  /** On a plan without `allVariants`, variants past this count are sent as locked teasers (never generated). */
  freeSelectableVariants: number;
  /** Whether a generation of this feature must name a product. */
  requiresProduct: boolean;
}

const PAID: readonly PlanId[] = ['plus', 'pro', 'premium'];

export const FEATURES: Record<FeatureId, Feature> = {
  product_description: { id: 'product_description', label: 'Product descriptions', shortLabel: 'Product description', cost: 1, plans: PLAN_IDS, variants: 2, freeSelectableVariants: 1, requiresProduct: true },
  seo_meta: { id: 'seo_meta', label: 'SEO meta tags', shortLabel: 'SEO meta tags', cost: 1, plans: PAID, variants: 2, freeSelectableVariants: 0, requiresProduct: true },
  image_enhancement: { id: 'image_enhancement', label: 'Enhanced product photos', shortLabel: 'Photo enhancement', cost: 2, plans: PAID, variants: 2, freeSelectableVariants: 0, requiresProduct: false },
  blog_post: { id: 'blog_post', label: 'Blog posts', shortLabel: 'Blog post', cost: 3, plans: PAID, variants: 2, freeSelectableVariants: 0, requiresProduct: false },
  website_design: { id: 'website_design', label: 'Website designs', shortLabel: 'Website design', cost: 2, plans: PAID, variants: 2, freeSelectableVariants: 0, requiresProduct: false },
};

export interface TopUpPack {
  id: string;
  credits: number;
  price: Price;
  /** The credits expire this many days after the top-up is paid; without it they never expire. */
  validDays?: number;
}

export const TOP_UP_PACKS: readonly TopUpPack[] = [
  { id: 'pack_50', credits: 50, price: { amount: '4.99', currency: 'USD' } },
  { id: 'pack_150', credits: 150, price: { amount: '12.99', currency: 'USD' } },
  { id: 'pack_500', credits: 500, price: { amount: '39.99', currency: 'USD' } },
  // A cheaper pack for a campaign: its credits are spent before the non-expiring ones and expire after 30 days.
  { id: 'pack_100_30d', credits: 100, price: { amount: '6.99', currency: 'USD' }, validDays: 30 },
];

/** Auto top-up (`PUT /v1/credits/auto-top-up`): the setting's ranges and the service's own rules. */
export const AUTO_TOP_UP = {
  thresholdMax: 10_000,
  monthlyLimitMax: 10,
  /** Auto top-ups failed in a row after which the service turns the setting off (`auto_top_up_disabled`). */
  failuresToDisable: 3,
  /** How many recent auto top-ups `GET /v1/credits/auto-top-up` lists. */
  recentAttempts: 5,
} as const;

/**
 * On-demand list prices of the Bedrock models the service may call, in USD, for the `ModelCostUsd`
 * metric (an estimate of spend per feature and plan, not a bill). Text models are priced per 1,000
 * input and output tokens, image models per call. Cross-region inference profiles (`us.`, `eu.`,
 * `global.` prefixes) are priced as their foundation model. Review when AWS changes its prices.
 */
export interface ModelPrice {
  inputPer1kTokens: number;
  outputPer1kTokens: number;
  perCall: number;
}

export const MODEL_PRICES: Record<string, ModelPrice> = {
  'amazon.nova-micro-v1:0': { inputPer1kTokens: 0.000035, outputPer1kTokens: 0.00014, perCall: 0 },
  'amazon.nova-lite-v1:0': { inputPer1kTokens: 0.00006, outputPer1kTokens: 0.00024, perCall: 0 },
  'amazon.nova-pro-v1:0': { inputPer1kTokens: 0.0008, outputPer1kTokens: 0.0032, perCall: 0 },
  // Stability AI Image Services on Bedrock are priced per call (Remove Background: USD 0.07 per image).
  'stability.stable-image-remove-background-v1:0': { inputPer1kTokens: 0, outputPer1kTokens: 0, perCall: 0.07 },
};

/** The price of a model id (a profile id is priced as its foundation model); undefined when unknown (offline models). */
export function modelPrice(modelId: string): ModelPrice | undefined {
  return MODEL_PRICES[modelId] ?? MODEL_PRICES[modelId.replace(/^(us|eu|apac|jp|au|ca|us-gov|global)\./, '')];
}

/** USD of one generation's model use, or undefined for a model without a price (the offline one). */
export function modelCostUsd(modelId: string, usage: { inputTokens: number; outputTokens: number } | null, calls: number): number | undefined {
  const price = modelPrice(modelId);
  if (!price) return undefined;
  const tokens = usage ? (usage.inputTokens / 1000) * price.inputPer1kTokens + (usage.outputTokens / 1000) * price.outputPer1kTokens : 0;
  return tokens + calls * price.perCall;
}

/** Limits of the contract that are not environment-tunable. */
export const LIMITS = {
  /** Grants that are unexpired and hold credits, per account (`POST …/grants` beyond: 409 LIMIT_REACHED). */
  maxActiveGrants: 20,
  /** What a product's input may hold (`ProductInput`, the page's product form reads them from the catalog). */
  productInput: { nameMaxChars: 200, categoryMaxChars: 100, listMaxItems: 20, listItemMaxChars: 100, notesMaxChars: 1000 },
  /** Versions kept per product and field in the content history (the oldest go first). */
  contentVersionsKept: 50,
  /** A manual edit's description (`PUT /v1/products/{id}/content`). */
  manualDescriptionMaxChars: 5000,
  /** The longest range `GET /v1/credits/usage` and `GET /v1/admin/usage` answer, in days. */
  usageMaxDays: 400,
  maxBodyBytes: 64 * 1024,
  /** The one route with a larger body: `POST /v1/generation-jobs` (500 items with their inputs). */
  jobBodyBytes: 1024 * 1024,
  ledgerPageDefault: 50,
  ledgerPageMax: 100,
  notificationsPageDefault: 50,
  /** Idempotency keys are kept at least this long (docs/contract.md: ≥ 24 h). */
  idempotencyTtlSeconds: 24 * 3600,
  /** Subscription event dedupe records are kept at least this long. */
  eventDedupeTtlSeconds: 7 * 24 * 3600,
  /**
   * Shares of the plan allowance: `low_balance` (with `threshold`) fires once per alert period for each p
   * the first time available credits fall strictly below p × allowance (functions/core/alerts.ts).
   */
  lowBalanceThresholds: [0.5, 0.2] as readonly number[],
  /**
   * The event outbox on the balance item holds at most this many events (~200 bytes each, so ~20 KB):
   * a balance alert that would go beyond waits until a relay has made room (see functions/core/outbox.ts).
   */
  outboxMaxEvents: 100,
  /**
   * Ledger entries ride on the balance item until this many are pending, then are flushed as one block
   * item. 6 compact charge entries (~75 bytes each), a hold and the account fit in 1 KB with room for
   * longer ids: a write of the balance item stays at one write unit.
   */
  ledgerFlushEvery: 6,
  /** Shards of the refresh-due index, so the monthly job never reads one hot partition. */
  refreshDueShards: 16,
  webhookToleranceSeconds: 300,
  /**
   * A generation's charge still held this long after it was made belongs to a process that died (the
   * generation functions time out at 29 s): the next reader of the account refunds it.
   */
  chargeHoldSeconds: 120,
  /** Bulk generation jobs: items per job, their page size, and how long a throttled item keeps being retried. */
  jobs: {
    maxItems: 500,
    itemsPageDefault: 50,
    listPageDefault: 20,
    /** Throttled model calls of one item are retried this many times (backoff doubling from 5 s, at most 900 s). */
    throttleRetries: 10,
    /** A model call of one item that timed out is retried this many times (with the same backoff). */
    timeoutRetries: 2,
    /** An item whose message is received this often without finishing (its worker died each time) fails, refunded. */
    maxItemReceives: 4,
  },
  /** Per-account caps (409 LIMIT_REACHED beyond them): posts in `scheduled` state at once... */
  maxScheduledPosts: 50,
  /** ...and uploads created in any rolling window of `uploadWindowSeconds`. */
  maxUploadsPerWindow: 200,
  uploadWindowSeconds: 24 * 3600,
  /**
   * A cap slot whose post is still missing (or no longer scheduled) this long after it was taken belongs
   * to a request that died between taking it and finishing (the API functions time out well before):
   * the next request that finds the cap full gives it back.
   */
  capSlotReclaimSeconds: 120,
  /** How far ahead a blog post may be scheduled. */
  blogScheduleMaxDays: 365,
  blogPostsPageDefault: 50,
  /** Outbound webhook endpoints registered at once, platform-wide (`POST /v1/admin/webhook-endpoints` beyond: 409 LIMIT_REACHED). */
  maxWebhookEndpoints: 20,
  /** A delivery attempt that has not answered in this long is a timeout (retried). */
  webhookTimeoutSeconds: 10,
  /** Backoff after a failed attempt: this, doubling per attempt, at most `webhookRetryCapSeconds`... */
  webhookRetryBaseSeconds: 60,
  webhookRetryCapSeconds: 3600,
  /** ...until this long after the first attempt; then the delivery is given up. */
  webhookRetryWindowSeconds: 24 * 3600,
  webhookDeliveriesPageDefault: 50,
  /** Delivery attempts stay in the deliveries log this long (TTL). */
  webhookDeliveriesKeptDays: 30,
} as const;


/**
 * The Bedrock models the adapters speak to, keyed by foundation-model id, with the documented limits a
 * request must respect: Bedrock refuses (400 ValidationException) what exceeds them, so the adapters
 * size their requests from here and the local Bedrock fakes refuse the same requests, failing a test
 * before AWS would fail a merchant. A cross-region inference profile (`us.`, `apac.`, …) has the limits
 * of its foundation model. Deploy settings accept only model ids listed here.
 */
export interface TextModelSpec {
  kind: 'text';
  /** The Converse API with a forced tool call (`adapters/bedrock-model.ts`). */
  api: 'converse';
  /** `inferenceConfig.maxTokens` ceiling of the model card. */
  maxOutputTokens: number;
  /** Inference profiles that serve it; empty when only in-Region ids exist. */
  profiles: readonly string[];
}

export interface ImageModelSpec {
  kind: 'image';
  /** Stability AI Image Services' remove-background body: `{ image, output_format }` → `{ images, finish_reasons, seeds }`. */
  api: 'stability-remove-background';
  minSidePixels: number;
  maxPixels: number;
  /** Longest side over shortest side, at most. */
  maxAspectRatio: number;
  inputFormats: readonly ('jpeg' | 'png' | 'webp')[];
  profiles: readonly string[];
  /** Served only through an inference profile (no in-Region model id). */
  profileOnly: boolean;
}

export type ModelSpec = TextModelSpec | ImageModelSpec;

export const MODELS: Record<string, ModelSpec> = {
  // Amazon Nova Lite v1 model card: 300K context, 5K output tokens; Active.
  'amazon.nova-lite-v1:0': { kind: 'text', api: 'converse', maxOutputTokens: 5_000, profiles: ['us', 'eu', 'apac'] },
  // Stability AI "Stable Image Remove Background" on Bedrock (Image Services): each side ≥ 64 px, at most
  // 9,437,184 pixels, aspect ratio within 1:2.5–2.5:1, JPEG/PNG/WebP; Active; served in us-east-1,
  // us-east-2 and us-west-2 through the `us.` inference profile.
  'stability.stable-image-remove-background-v1:0': {
    kind: 'image',
    api: 'stability-remove-background',
    minSidePixels: 64,
    maxPixels: 9_437_184,
    maxAspectRatio: 2.5,
    inputFormats: ['jpeg', 'png', 'webp'],
    profiles: ['us'],
    profileOnly: true,
  },
};

/** What the deploy uses unless told otherwise (`lib/aws/settings.ts`), and the local stack alike. */
export const DEFAULT_TEXT_MODEL_ID = 'amazon.nova-lite-v1:0';
export const DEFAULT_IMAGE_MODEL_ID = 'us.stability.stable-image-remove-background-v1:0';

const PROFILE_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\.(.+)$/;

/** The geography prefix of an inference-profile id (`apac`), or null for a foundation-model id. */
export function inferenceProfileOf(modelId: string): { geo: string; foundationModelId: string } | null {
  const m = PROFILE_PREFIX.exec(modelId);
  return m ? { geo: m[1]!, foundationModelId: m[2]! } : null;
}

/** The spec of a model id or inference-profile id, or undefined when no adapter knows the model. */
export function modelSpec(modelId: string): ModelSpec | undefined {
  const profile = inferenceProfileOf(modelId);
  const spec = MODELS[profile ? profile.foundationModelId : modelId];
  if (!spec) return undefined;
  // A geography the model is not offered in is no id Bedrock knows.
  if (profile && !spec.profiles.includes(profile.geo)) return undefined;
  // Bedrock refuses on-demand calls of a profile-only model by its foundation-model id.
  if (!profile && spec.kind === 'image' && spec.profileOnly) return undefined;
  return spec;
}

export function textModelSpec(modelId: string): TextModelSpec {
  const spec = modelSpec(modelId);
  if (spec?.kind !== 'text') throw new Error(`No text model "${modelId}" in MODELS (functions/config.ts): known are ${knownIds('text')}`);
  return spec;
}

export function imageModelSpec(modelId: string): ImageModelSpec {
  const spec = modelSpec(modelId);
  if (spec?.kind !== 'image') throw new Error(`No image model "${modelId}" in MODELS (functions/config.ts): known are ${knownIds('image')}`);
  return spec;
}

/** Every id (foundation model and profiles) of a kind, for error messages. */
export function knownIds(kind: ModelSpec['kind']): string {
  return Object.entries(MODELS)
    .filter(([, m]) => m.kind === kind)
    .flatMap(([id, m]) => [...(m.kind === 'image' && m.profileOnly ? [] : [id]), ...m.profiles.map((p) => `${p}.${id}`)])
    .join(', ');
}
