/**
 * Deploy-time settings, read from CDK context (`cdk.json` defaults, `-c key=value` overrides).
 * Everything stage-specific lives here so the stacks stay free of lookups and env-agnostic.
 */
import type { Node } from 'constructs';
import { DEFAULT_IMAGE_MODEL_ID, DEFAULT_TEXT_MODEL_ID, imageModelSpec, inferenceProfileOf, textModelSpec } from '../../functions/config.ts';

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
  /**
   * The Region the image model is called in. It is offered in fewer Regions than the text model (US only),
   * so a stack elsewhere calls it across Regions; the IAM grant follows this value.
   */
  bedrockImageRegion: string;
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
  /**
   * `-c demo=true`: a demo stage whose generations use the offline generator (template text, no model
   * calls) instead of Bedrock. Off unless asked for: outside the local stack nothing else may run offline.
   */
  demo: boolean;
  /**
   * Optional override: an existing Lambda layer providing `sharp` for linux-arm64. Without it the app
   * builds that layer itself from the pinned version (`lib/aws/sharp-layer.ts`).
   */
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
  bedrockModelId: DEFAULT_TEXT_MODEL_ID,
  bedrockImageModelId: DEFAULT_IMAGE_MODEL_ID,
  bedrockImageRegion: 'us-east-1',
  logLevel: 'INFO',
  logRetentionDays: 30,
  extraWebOrigins: [],
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  uploadsExpiryDays: 30,
  demo: false,
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
  (['stage', 'jwtIssuer', 'checkoutBaseUrl', 'bedrockModelId', 'bedrockImageModelId', 'bedrockImageRegion', 'alarmEmail', 'sharpLayerArn'] as const).forEach(str);
  (['rateLimitMaxAttempts', 'rateLimitWindowSeconds', 'cooldownSeconds', 'logRetentionDays', 'throttleRateLimit', 'throttleBurstLimit', 'uploadsExpiryDays', 'webhookThrottleRateLimit', 'webhookThrottleBurstLimit', 'generationTtlDays'] as const).forEach(num);
  const demo = get('demo');
  if (demo !== undefined) {
    if (![true, false, 'true', 'false'].includes(demo as never)) throw new Error(`CDK context "demo" must be true or false, got ${String(demo)}`);
    s.demo = demo === true || demo === 'true';
  }
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
  validateSettings(s);
  return s;
}

/** The stages that may run on the placeholders of cdk.json (example issuer, example checkout). */
export const PLACEHOLDER_STAGES = ['dev'];

/** A host reserved for documentation (RFC 2606 / 6761): no real issuer or checkout lives there. */
function isPlaceholderUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return true;
  }
  return /(^|\.)example(\.(com|net|org))?$/.test(host) || /\.(test|invalid|localhost)$/.test(host) || host === 'localhost' || /^127\./.test(host);
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** Which Regions an inference-profile geography routes from (`apac.` profiles are called in ap-* Regions, …). */
const GEO_REGION_PREFIX: Record<string, RegExp> = { us: /^us-(?!gov)/, eu: /^eu-/, apac: /^ap-/, jp: /^ap-northeast-[13]$/, au: /^ap-southeast-[24]$/, ca: /^ca-/, 'us-gov': /^us-gov-/ };

/**
 * What a deploy must not get wrong and synth can know: models the adapters speak (with their limits in
 * functions/config.ts), an image Region the model's profile is callable from, and, outside dev, a real
 * issuer and checkout rather than the placeholders every clone starts with.
 */
export function validateSettings(s: Settings): void {
  for (const [key, check] of [
    ['bedrockModelId', () => textModelSpec(s.bedrockModelId)],
    ['bedrockImageModelId', () => imageModelSpec(s.bedrockImageModelId)],
  ] as const) {
    try {
      check();
    } catch (error) {
      throw new Error(`CDK context "${key}": ${(error as Error).message}`);
    }
  }
  if (!REGION.test(s.bedrockImageRegion)) throw new Error(`CDK context "bedrockImageRegion" is not a Region: ${s.bedrockImageRegion}`);
  const imageGeo = inferenceProfileOf(s.bedrockImageModelId)?.geo;
  if (imageGeo && GEO_REGION_PREFIX[imageGeo] && !GEO_REGION_PREFIX[imageGeo].test(s.bedrockImageRegion)) {
    throw new Error(`CDK context "bedrockImageRegion" ${s.bedrockImageRegion} cannot call the ${imageGeo}. profile ${s.bedrockImageModelId}; choose a Region of that geography`);
  }
  if (!PLACEHOLDER_STAGES.includes(s.stage)) {
    if (isPlaceholderUrl(s.jwtIssuer)) throw new Error(`Stage "${s.stage}" needs a real JWT issuer: -c jwtIssuer=https://<your issuer>/ (got the placeholder ${s.jwtIssuer})`);
    if (!/^https:\/\//.test(s.checkoutBaseUrl) || isPlaceholderUrl(s.checkoutBaseUrl)) {
      throw new Error(`Stage "${s.stage}" needs the billing system's https checkout URL: -c checkoutBaseUrl=https://<billing>/checkout (got ${s.checkoutBaseUrl})`);
    }
  }
}
