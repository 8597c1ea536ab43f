/**
 * Plans, feature costs, limits and top-up packs: the one typed place that knows them.
 * Nothing else in the codebase hard-codes an allowance, a cost or a limit.
 */
import { z } from 'zod';

/** The scope admin routes require. */
export const ADMIN_SCOPE = 'credits:admin';

export const PLAN_IDS = ['free', 'plus', 'pro', 'premium'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export interface Plan {
  id: PlanId;
  /** Credits the allowance bucket is set to at creation, plan change and monthly refresh. */
  monthlyAllowance: number;
  /** Whether the merchant may buy top-up packs (the Top Up button). */
  topUpAllowed: boolean;
  paid: boolean;
}

export const PLANS: Record<PlanId, Plan> = {
  free: { id: 'free', monthlyAllowance: 25, topUpAllowed: false, paid: false },
  plus: { id: 'plus', monthlyAllowance: 100, topUpAllowed: true, paid: true },
  pro: { id: 'pro', monthlyAllowance: 200, topUpAllowed: true, paid: true },
  premium: { id: 'premium', monthlyAllowance: 400, topUpAllowed: true, paid: true },
};

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
  /** Credits charged per generate or regenerate. */
  cost: number;
  /** Plans that may use the feature at all. */
  plans: readonly PlanId[];
  /** Selectable variants on a paid plan. */
  variants: number;
  /** On the free plan, variants past this count are sent as locked teasers (never generated). */
  freeSelectableVariants: number;
  /** Whether a generation of this feature must name a product. */
  requiresProduct: boolean;
}

const PAID: readonly PlanId[] = ['plus', 'pro', 'premium'];

export const FEATURES: Record<FeatureId, Feature> = {
  product_description: { id: 'product_description', cost: 1, plans: PLAN_IDS, variants: 2, freeSelectableVariants: 1, requiresProduct: true },
  seo_meta: { id: 'seo_meta', cost: 1, plans: PAID, variants: 2, freeSelectableVariants: 0, requiresProduct: true },
  image_enhancement: { id: 'image_enhancement', cost: 2, plans: PAID, variants: 2, freeSelectableVariants: 0, requiresProduct: false },
  blog_post: { id: 'blog_post', cost: 3, plans: PAID, variants: 2, freeSelectableVariants: 0, requiresProduct: false },
  website_design: { id: 'website_design', cost: 2, plans: PAID, variants: 2, freeSelectableVariants: 0, requiresProduct: false },
};

export interface TopUpPack {
  id: string;
  credits: number;
  price: { amount: string; currency: 'USD' };
}

export const TOP_UP_PACKS: readonly TopUpPack[] = [
  { id: 'pack_50', credits: 50, price: { amount: '4.99', currency: 'USD' } },
  { id: 'pack_150', credits: 150, price: { amount: '12.99', currency: 'USD' } },
  { id: 'pack_500', credits: 500, price: { amount: '39.99', currency: 'USD' } },
];

/** Limits of the contract that are not environment-tunable. */
export const LIMITS = {
  maxBodyBytes: 64 * 1024,
  ledgerPageDefault: 50,
  ledgerPageMax: 100,
  notificationsPageDefault: 50,
  /** Idempotency keys are kept at least this long (API.md: ≥ 24 h). */
  idempotencyTtlSeconds: 24 * 3600,
  /** Subscription event dedupe records are kept at least this long. */
  eventDedupeTtlSeconds: 7 * 24 * 3600,
  /** low_balance fires once per period when available drops below this share of the allowance. */
  lowBalanceRatio: 0.2,
  /** Ledger entries ride on the balance item until this many are pending, then are flushed as one block item. */
  ledgerFlushEvery: 8,
  /** Shards of the refresh-due index, so the monthly job never reads one hot partition. */
  refreshDueShards: 16,
  webhookToleranceSeconds: 300,
  /**
   * A generation's charge still held this long after it was made belongs to a process that died (the
   * generation functions time out at 29 s): the next reader of the account refunds it.
   */
  chargeHoldSeconds: 120,
  /** How far ahead a blog post may be scheduled. */
  blogScheduleMaxDays: 365,
  blogPostsPageDefault: 50,
} as const;


/**
 * The environment, parsed once at cold start. CDK sets exactly these keys; the local stack
 * sets them too. A missing or malformed variable fails fast with its name.
 */
const EnvSchema = z.object({
  TABLE_NAME: z.string().min(3).default('ai-credits-local'),
  IDEMPOTENCY_TABLE_NAME: z.string().min(3).default('ai-credits-idempotency-local'),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
  EVENT_BUS_NAME: z.string().default('ai-credits-local'),
  RATE_LIMIT_MAX_ATTEMPTS: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(3600),
  COOLDOWN_SECONDS: z.coerce.number().int().positive().default(900),
  AI_PROVIDER: z.enum(['offline', 'bedrock']).default('offline'),
  BEDROCK_MODEL_ID: z.string().default('amazon.nova-lite-v1:0'),
  BEDROCK_IMAGE_MODEL_ID: z.string().default('amazon.nova-canvas-v1:0'),
  BEDROCK_ENDPOINT: z.string().url().optional(),
  BEDROCK_MAX_TOKENS: z.coerce.number().int().positive().max(8192).default(6000),
  /** Total time a generation may spend on the model, kept under API Gateway's 30 s. */
  MODEL_TIME_BUDGET_MS: z.coerce.number().int().positive().default(24_000),
  WEBHOOK_SECRET: z.string().min(1).default('local-webhook-secret'),
  /** Comma-separated older secrets still accepted during a rotation. */
  WEBHOOK_SECRETS_PREVIOUS: z.string().default(''),
  /** In AWS: the Secrets Manager secret holding the webhook secret (CDK passes the ARN, never the value). */
  WEBHOOK_SECRET_ARN: z.string().min(1).optional(),
  CHECKOUT_BASE_URL: z.string().url().default('http://127.0.0.1:3000/local/checkout'),
  UPLOAD_BUCKET: z.string().default('ai-credits-uploads'),
  S3_ENDPOINT: z.string().url().optional(),
  SCHEDULER_GROUP: z.string().default('default'),
  SCHEDULER_ROLE_ARN: z.string().default(''),
  PUBLISH_FUNCTION_ARN: z.string().default(''),
  SCHEDULER_DLQ_ARN: z.string().default(''),
  /** '1' in the local stack: the event bus and scheduler are the in-process ones. */
  LOCAL_STACK: z.enum(['0', '1']).default('0'),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
});
export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(first?.path.join('.'))}: ${first?.message}`);
  }
  return parsed.data;
}

/** Rate-limit settings derived from the environment. */
export interface RateLimitConfig {
  maxAttempts: number;
  windowSeconds: number;
  cooldownSeconds: number;
}

export function rateLimitConfig(env: Env): RateLimitConfig {
  return {
    maxAttempts: env.RATE_LIMIT_MAX_ATTEMPTS,
    windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
    cooldownSeconds: env.COOLDOWN_SECONDS,
  };
}
