/**
 * The environment of the functions: its one schema, the keys it names, and the parse each function
 * runs at cold start over only the keys its composition reads. The plans, costs and limits it is not
 * are in config.ts.
 */
import * as z from '#zod';

/**
 * The environment, parsed once at cold start. No variable that names a deployed resource, a provider
 * or a secret has a default: a function missing one fails at cold start with its name instead of
 * quietly using a local value. Each function parses only the keys its composition reads
 * (`parseEnvFor`, functions/composition/); CDK sets them from the function's access, and the local
 * stack supplies local values (lib/local/env.ts). Defaults remain only for tuning knobs that are the
 * same everywhere.
 */
export const EnvSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  IDEMPOTENCY_TABLE_NAME: z.string().check(z.minLength(3)),
  DYNAMODB_ENDPOINT: z.optional(z.string().check(z.url())),
  /** Set by the Lambda runtime (and by the local stack). */
  AWS_REGION: z.string().check(z.minLength(1)),
  EVENT_BUS_NAME: z.string().check(z.minLength(1)),
  RATE_LIMIT_MAX_ATTEMPTS: z.coerce.number().check(z.int(), z.positive()),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().check(z.int(), z.positive()),
  COOLDOWN_SECONDS: z.coerce.number().check(z.int(), z.positive()),
  /** `offline` only in the local stack (`LOCAL_STACK=1`) or an explicit demo deploy (`DEMO=1`). */
  AI_PROVIDER: z.enum(['offline', 'bedrock']),
  /** '1' in a stage deployed with `-c demo=true`: template text instead of a model is intended there. */
  DEMO: z._default(z.enum(['0', '1']), '0'),
  BEDROCK_MODEL_ID: z.string().check(z.minLength(1)),
  BEDROCK_IMAGE_MODEL_ID: z.string().check(z.minLength(1)),
  /** Where the image model is called (it is offered in fewer Regions than the text model); the function's own by default. */
  BEDROCK_IMAGE_REGION: z.optional(z.string().check(z.minLength(1))),
  BEDROCK_ENDPOINT: z.optional(z.string().check(z.url())),
  BEDROCK_MAX_TOKENS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(8192)), 6000),
  /** Total time a generation may spend on the model, kept under API Gateway's 30 s. */
  MODEL_TIME_BUDGET_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 24_000),
  /** The signing secret itself: the local stack only (in AWS the function reads `WEBHOOK_SECRET_ARN`). */
  WEBHOOK_SECRET: z.optional(z.string().check(z.minLength(1))),
  /** Comma-separated older secrets, accepted only for a bounded time after `WEBHOOK_SECRET_ROTATED_AT`. */
  WEBHOOK_SECRETS_PREVIOUS: z._default(z.string(), ''),
  /** When `WEBHOOK_SECRET` replaced the previous ones (ISO); required with `WEBHOOK_SECRETS_PREVIOUS`. */
  WEBHOOK_SECRET_ROTATED_AT: z.optional(z.iso.datetime({ offset: true })),
  /** How long after a rotation a previous secret still verifies (a leaked one must not stay valid). */
  WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(30 * 86_400)), 86_400),
  /** In AWS: the Secrets Manager secret holding the webhook secret (CDK passes the ARN, never the value). */
  WEBHOOK_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  /** The outbound webhooks' signing key itself: the local stack only (in AWS the function reads `OUTBOUND_SIGNING_KEY_ARN`). */
  OUTBOUND_SIGNING_KEY: z.optional(z.string().check(z.minLength(16))),
  /** In AWS: the Secrets Manager secret every webhook endpoint's secret is derived from (CDK generates it). */
  OUTBOUND_SIGNING_KEY_ARN: z.optional(z.string().check(z.minLength(1))),
  CHECKOUT_BASE_URL: z.string().check(z.url()),
  UPLOAD_BUCKET: z.string().check(z.minLength(3)),
  S3_ENDPOINT: z.optional(z.string().check(z.url())),
  /** The SQS queues a function may send to (`queue-send:<id>` access, functions/resources.ts QUEUES). */
  OUTBOUND_QUEUE_URL: z.string().check(z.url()),
  GENERATION_JOBS_QUEUE_URL: z.string().check(z.url()),
  SCHEDULER_GROUP: z.string().check(z.minLength(1)),
  SCHEDULER_ROLE_ARN: z.string().check(z.minLength(1)),
  PUBLISH_FUNCTION_ARN: z.string().check(z.minLength(1)),
  SCHEDULER_DLQ_ARN: z.string().check(z.minLength(1)),
  /** '1' in the local stack: the event bus and scheduler are the local ones. */
  LOCAL_STACK: z._default(z.enum(['0', '1']), '0'),
  LOG_LEVEL: z._default(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']), 'INFO'),
  /**
   * Days an unselected generation is kept (its items get a TTL); selecting a variant removes the TTL,
   * so chosen content and the ledger never expire.
   */
  GENERATION_TTL_DAYS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(3650)), 180),
  /** Powertools (Logger, Metrics, Tracer) read these itself; CDK sets the first two on every function. */
  POWERTOOLS_SERVICE_NAME: z.optional(z.string().check(z.minLength(1))),
  POWERTOOLS_METRICS_NAMESPACE: z.optional(z.string().check(z.minLength(1))),
  /** 'false' in the local stack: no X-Ray daemon there (outside Lambda the Tracer is off anyway). */
  POWERTOOLS_TRACE_ENABLED: z.optional(z.enum(['true', 'false'])),
});
export type Env = z.infer<typeof EnvSchema>;
export type EnvKey = keyof Env;
export const ENV_KEYS = Object.keys(EnvSchema.shape) as EnvKey[];

/**
 * Parses the keys a function reads. The returned object is typed as the whole `Env`, but only `keys`
 * were read: the composition hands it to ports that declared those keys (functions/composition/).
 */
export function parseEnvFor(keys: readonly EnvKey[], source: NodeJS.ProcessEnv = process.env): Env {
  const want = new Set(keys);
  const schema = z.pick(EnvSchema, Object.fromEntries([...want].map((k) => [k, true])) as { [K in EnvKey]?: true });
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(first?.path.join('.'))}: ${first?.message}`);
  }
  const env = parsed.data as Env;
  if (want.has('AI_PROVIDER') && env.AI_PROVIDER === 'offline' && source.LOCAL_STACK !== '1' && source.DEMO !== '1') {
    throw new Error('Invalid environment variable AI_PROVIDER: "offline" (template text) is only for the local stack or a demo stage (cdk -c demo=true)');
  }
  if (want.has('WEBHOOK_SECRET_ARN') && !env.WEBHOOK_SECRET_ARN && !env.WEBHOOK_SECRET) {
    throw new Error('Invalid environment variable WEBHOOK_SECRET_ARN: required (the local stack sets WEBHOOK_SECRET instead)');
  }
  if (want.has('OUTBOUND_SIGNING_KEY_ARN') && !env.OUTBOUND_SIGNING_KEY_ARN && !env.OUTBOUND_SIGNING_KEY) {
    throw new Error('Invalid environment variable OUTBOUND_SIGNING_KEY_ARN: required (the local stack sets OUTBOUND_SIGNING_KEY instead)');
  }
  // Without the rotation time a previous secret would verify forever.
  if (want.has('WEBHOOK_SECRETS_PREVIOUS') && env.WEBHOOK_SECRETS_PREVIOUS.trim() && !env.WEBHOOK_SECRET_ROTATED_AT) {
    throw new Error('Invalid environment variable WEBHOOK_SECRET_ROTATED_AT: is required when WEBHOOK_SECRETS_PREVIOUS is set');
  }
  return env;
}

/** The whole environment: the local stack, tests and benchmarks, which use every port at once. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  return parseEnvFor(ENV_KEYS, source);
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
