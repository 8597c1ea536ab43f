/**
 * Deploy-time settings, read from CDK context (`cdk.json` defaults, `-c key=value` overrides).
 * Everything stage-specific lives here so the stacks stay free of lookups and env-agnostic.
 */
import type { Node } from 'constructs';

export interface Settings {
  stage: string;
  /** JWT issuer URL the HTTP API authorizer trusts (`iss`). */
  jwtIssuer: string;
  /** Accepted `aud` values. */
  jwtAudience: string[];
  rateLimitMaxAttempts: number;
  rateLimitWindowSeconds: number;
  cooldownSeconds: number;
  checkoutBaseUrl: string;
  bedrockModelId: string;
  bedrockImageModelId: string;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  logRetentionDays: number;
  /** Origins besides the CloudFront site allowed by CORS (e.g. `http://localhost:5173` for a dev stage). */
  extraWebOrigins: string[];
  /** Stage-wide HTTP API throttling. */
  throttleRateLimit: number;
  throttleBurstLimit: number;
  /** Days before `uploads/` and `results/` objects expire. */
  uploadsExpiryDays: number;
  /** Throttling of the billing webhook route, a bucket of its own apart from the merchant routes. */
  webhookThrottleRateLimit: number;
  webhookThrottleBurstLimit: number;
  /** Days an unselected generation is kept before its TTL expires it. */
  generationTtlDays: number;
  /** Subscribed to the alarm topic when set (`-c alarmEmail=ops@example.com`). */
  alarmEmail?: string;
  /** A Lambda layer providing `sharp` for linux-arm64, attached to functions that touch uploads. */
  sharpLayerArn?: string;
}

export const DEFAULT_SETTINGS: Settings = {
  stage: 'dev',
  jwtIssuer: 'https://auth.example.com/',
  jwtAudience: ['ai-credits'],
  rateLimitMaxAttempts: 10,
  rateLimitWindowSeconds: 3600,
  cooldownSeconds: 900,
  checkoutBaseUrl: 'https://billing.example.com/checkout',
  bedrockModelId: 'amazon.nova-lite-v1:0',
  bedrockImageModelId: 'amazon.nova-canvas-v1:0',
  logLevel: 'INFO',
  logRetentionDays: 30,
  extraWebOrigins: [],
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  uploadsExpiryDays: 30,
  webhookThrottleRateLimit: 10,
  webhookThrottleBurstLimit: 20,
  generationTtlDays: 180,
};

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : String(v).split(',').map((s) => s.trim()).filter(Boolean);

function int(key: string, v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`CDK context "${key}" must be a positive integer, got ${String(v)}`);
  return n;
}

/** Reads the settings from context; `-c` values arrive as strings, cdk.json values as JSON. */
export function settingsFromContext(node: Node): Settings {
  const get = (key: string): unknown => node.tryGetContext(key);
  const s: Settings = { ...DEFAULT_SETTINGS };
  const str = (key: keyof Settings) => {
    const v = get(key);
    if (v !== undefined && v !== null && v !== '') (s as unknown as Record<string, unknown>)[key] = String(v);
  };
  const num = (key: keyof Settings) => {
    const v = get(key);
    if (v !== undefined && v !== null && v !== '') (s as unknown as Record<string, unknown>)[key] = int(key, v);
  };
  (['stage', 'jwtIssuer', 'checkoutBaseUrl', 'bedrockModelId', 'bedrockImageModelId', 'alarmEmail', 'sharpLayerArn'] as const).forEach(str);
  (['rateLimitMaxAttempts', 'rateLimitWindowSeconds', 'cooldownSeconds', 'logRetentionDays', 'throttleRateLimit', 'throttleBurstLimit', 'uploadsExpiryDays', 'webhookThrottleRateLimit', 'webhookThrottleBurstLimit', 'generationTtlDays'] as const).forEach(num);
  if (get('jwtAudience') !== undefined) s.jwtAudience = list(get('jwtAudience'));
  if (get('extraWebOrigins') !== undefined) s.extraWebOrigins = list(get('extraWebOrigins'));
  const level = get('logLevel');
  if (level !== undefined) {
    if (!['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'].includes(String(level))) throw new Error(`CDK context "logLevel" is not a level: ${String(level)}`);
    s.logLevel = String(level) as Settings['logLevel'];
  }
  if (!/^[a-z0-9-]{1,20}$/.test(s.stage)) throw new Error(`CDK context "stage" must be lowercase letters, digits or dashes: ${s.stage}`);
  if (!/^https:\/\//.test(s.jwtIssuer)) throw new Error(`CDK context "jwtIssuer" must be an https URL: ${s.jwtIssuer}`);
  if (s.jwtAudience.length === 0) throw new Error('CDK context "jwtAudience" must name at least one audience');
  return s;
}
