/**
 * The local stack's environment: the values CDK would set in AWS (lib/aws/access.ts), with local
 * resources in place of deployed ones. Nothing in functions/ defaults to these; a function running
 * here gets them the way a Lambda function gets its template's (lib/local/runner.ts).
 */
import type { EnvKey } from '../../functions/env.ts';
import { DEFAULT_SETTINGS } from '../aws/settings.ts';
import type { Access, FunctionSpec } from '../wiring.ts';

/** Local values of every variable a deployed function may get. The rest of Settings are CDK's defaults. */
export const LOCAL_ENV: Partial<Record<EnvKey, string>> = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'ai-credits-local',
  IDEMPOTENCY_TABLE_NAME: 'ai-credits-idempotency-local',
  EVENT_BUS_NAME: 'ai-credits-local',
  RATE_LIMIT_MAX_ATTEMPTS: String(DEFAULT_SETTINGS.rateLimitMaxAttempts),
  RATE_LIMIT_WINDOW_SECONDS: String(DEFAULT_SETTINGS.rateLimitWindowSeconds),
  COOLDOWN_SECONDS: String(DEFAULT_SETTINGS.cooldownSeconds),
  GENERATION_TTL_DAYS: String(DEFAULT_SETTINGS.generationTtlDays),
  // The offline generator: no AWS account needed. `AI_PROVIDER=bedrock npm start` uses Bedrock.
  AI_PROVIDER: 'offline',
  BEDROCK_MODEL_ID: DEFAULT_SETTINGS.bedrockModelId,
  BEDROCK_IMAGE_MODEL_ID: DEFAULT_SETTINGS.bedrockImageModelId,
  // A public value, refused outside the local stack (functions/adapters/webhook-secrets.ts).
  WEBHOOK_SECRET: 'local-webhook-secret',
  // Likewise public and refused outside the local stack (functions/adapters/signing-key.ts).
  OUTBOUND_SIGNING_KEY: 'local-outbound-signing-key',
  UPLOAD_BUCKET: 'ai-credits-uploads',
  SCHEDULER_GROUP: 'local',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/local-scheduler',
  PUBLISH_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:blog-publish',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:local-schedules-dlq',
  LOCAL_STACK: '1',
  LOG_LEVEL: 'INFO',
};

/**
 * Queue URLs for harnesses that run the use cases without the local stack (use-case tests, benches): a
 * port nothing listens on, so a send fails loudly instead of reaching a queue nobody consumes.
 */
export const UNSERVED_QUEUE_URLS = {
  OUTBOUND_QUEUE_URL: 'http://127.0.0.1:9/000000000000/outbound',
  GENERATION_JOBS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/generation-jobs',
} as const satisfies Partial<Record<EnvKey, string>>;

/**
 * The keys each access gives a function locally: CDK's (lib/aws/access.ts ACCESS_ENV) with the local
 * stand-ins: the webhook secret's value instead of its ARN, and the endpoints of the local servers.
 * Tuning knobs a test may set (the model's time budget) travel with the access that reads them.
 */
const LOCAL_ACCESS_ENV: Record<Access, readonly EnvKey[]> = {
  'table:read': ['TABLE_NAME', 'RATE_LIMIT_MAX_ATTEMPTS', 'RATE_LIMIT_WINDOW_SECONDS', 'COOLDOWN_SECONDS', 'CHECKOUT_BASE_URL', 'GENERATION_TTL_DAYS', 'DYNAMODB_ENDPOINT'],
  'table:write': ['TABLE_NAME', 'RATE_LIMIT_MAX_ATTEMPTS', 'RATE_LIMIT_WINDOW_SECONDS', 'COOLDOWN_SECONDS', 'CHECKOUT_BASE_URL', 'GENERATION_TTL_DAYS', 'DYNAMODB_ENDPOINT'],
  idempotency: ['IDEMPOTENCY_TABLE_NAME', 'DYNAMODB_ENDPOINT'],
  'bus:put': ['EVENT_BUS_NAME'],
  'bedrock:invoke': ['AI_PROVIDER', 'BEDROCK_MODEL_ID', 'BEDROCK_IMAGE_MODEL_ID', 'BEDROCK_IMAGE_REGION', 'BEDROCK_ENDPOINT', 'BEDROCK_MAX_TOKENS', 'MODEL_TIME_BUDGET_MS'],
  'uploads:put': ['UPLOAD_BUCKET', 'S3_ENDPOINT'],
  'uploads:read': ['UPLOAD_BUCKET', 'S3_ENDPOINT'],
  'results:read': ['UPLOAD_BUCKET', 'S3_ENDPOINT'],
  'results:write': ['UPLOAD_BUCKET', 'S3_ENDPOINT'],
  'selected:read': ['UPLOAD_BUCKET', 'S3_ENDPOINT'],
  'selected:write': ['UPLOAD_BUCKET', 'S3_ENDPOINT'],
  'scheduler:create': ['SCHEDULER_ROLE_ARN', 'PUBLISH_FUNCTION_ARN', 'SCHEDULER_DLQ_ARN', 'SCHEDULER_GROUP'],
  'scheduler:delete': ['SCHEDULER_ROLE_ARN', 'PUBLISH_FUNCTION_ARN', 'SCHEDULER_DLQ_ARN', 'SCHEDULER_GROUP'],
  'webhook-secret': ['WEBHOOK_SECRET', 'WEBHOOK_SECRETS_PREVIOUS', 'WEBHOOK_SECRET_ROTATED_AT', 'WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS'],
  'outbound-signing-key': ['OUTBOUND_SIGNING_KEY'],
  // The local queues' URLs (lib/local/queues.ts), set by the stack when it starts them.
  'queue-send:outbound': ['OUTBOUND_QUEUE_URL'],
  'queue-send:generation-jobs': ['GENERATION_JOBS_QUEUE_URL'],
};

/** What every function gets: the stack's LOG_LEVEL (CDK sets it everywhere), the runtime's region. */
const EVERY_FUNCTION: readonly EnvKey[] = ['AWS_REGION', 'LOG_LEVEL', 'LOCAL_STACK'];

/**
 * Outside the schema, passed through when set: credentials the Lambda runtime would provide (the SDK
 * signs requests to the local fakes with them) and the SDK's and Powertools' own switches.
 */
const PASS_THROUGH = /^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SDK_.*|POWERTOOLS_.*)$/;

/**
 * The role credentials Lambda would put in every function's environment: the functions' SDK clients
 * read them from there and nowhere else (functions/adapters/aws-credentials.ts). Fixed and fake, like
 * the local stack's other keys; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)
 * for `AI_PROVIDER=bedrock npm start` to reach the real Bedrock, and they pass through instead.
 */
export const LOCAL_ROLE_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'ASIALOCALROLE',
  AWS_SECRET_ACCESS_KEY: 'local-role-secret',
  AWS_SESSION_TOKEN: 'local-role-session',
} as const;

/** One function's environment, from the stack's (`source`): exactly its access's keys that are set. */
export function localEnvFor(fn: FunctionSpec, source: NodeJS.ProcessEnv): Record<string, string> {
  const keys = new Set<string>([...EVERY_FUNCTION, ...fn.access.flatMap((a) => LOCAL_ACCESS_ENV[a])]);
  // The set passed in wins as a whole: a key of the caller's with the local session token would not sign.
  const env: Record<string, string> = source.AWS_ACCESS_KEY_ID ? {} : { ...LOCAL_ROLE_CREDENTIALS };
  for (const [k, v] of Object.entries(source)) if (v !== undefined && (keys.has(k) || PASS_THROUGH.test(k))) env[k] = v;
  return env;
}
