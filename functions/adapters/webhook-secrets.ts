/**
 * The webhook signing secrets the handler accepts: the current one first, then the previous ones, but
 * only for `WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS` (default 24 h) after the rotation, on the service clock:
 * a rotation that follows a leak must end the leaked secret's life, not at the next rotation.
 *
 * - Locally (and wherever `WEBHOOK_SECRET` is set explicitly): `WEBHOOK_SECRET`, plus the comma-separated
 *   `WEBHOOK_SECRETS_PREVIOUS` until `WEBHOOK_SECRET_ROTATED_AT` + the TTL.
 * - In AWS, CDK passes `WEBHOOK_SECRET_ARN` (never the value): the `AWSCURRENT` and `AWSPREVIOUS` versions
 *   of that Secrets Manager secret are read (cached a few minutes, so a rotation reaches warm functions).
 *   Rotating = putting the new value, which becomes `AWSCURRENT`; its version's `CreatedDate` (returned
 *   by the same `GetSecretValue`, no other permission needed) is the rotation time that bounds
 *   `AWSPREVIOUS`. `WEBHOOK_SECRETS_PREVIOUS` is bounded by `WEBHOOK_SECRET_ROTATED_AT` there too.
 * Outside the local stack the well-known local default is refused: it would let anyone sign events.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Env } from '../env.ts';
import type { Clock } from '../core/clock.ts';
import { recordCall } from './aws-calls.ts';

const LOCAL_DEFAULT = 'local-webhook-secret';
const CACHE_MS = 5 * 60_000;

type SecretsEnv = Pick<
  Env,
  'WEBHOOK_SECRET' | 'WEBHOOK_SECRETS_PREVIOUS' | 'WEBHOOK_SECRET_ROTATED_AT' | 'WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS' | 'WEBHOOK_SECRET_ARN' | 'LOCAL_STACK' | 'AWS_REGION'
>;

const previousOf = (env: SecretsEnv): string[] =>
  env.WEBHOOK_SECRETS_PREVIOUS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `@smithy/signature-v4` wants a hash constructor; node:crypto is all it needs. */
type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Data): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

class NodeSha256 {
  private h: Hash | Hmac;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: Data) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret ? createHmac('sha256', this.secret) : createHash('sha256');
  }
  update(data: Data): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {
    this.h = this.fresh();
  }
}

/** One `GetSecretValue` call, SigV4-signed with the function's role credentials (Lambda sets them in the environment). */
export async function getSecretValue(region: string, secretId: string, stage: string): Promise<{ value: string; createdAt: Date | null } | null> {
  const host = `secretsmanager.${region}.amazonaws.com`;
  const body = JSON.stringify({ SecretId: secretId, VersionStage: stage });
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region,
    sha256: NodeSha256,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
      sessionToken: process.env.AWS_SESSION_TOKEN,
    },
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'https:',
    hostname: host,
    path: '/',
    query: {},
    headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
    body,
  });
  // fetch sets Host itself (to the same value that was signed).
  const { host: _host, ...headers } = signed.headers as Record<string, string>;
  const res = await fetch(`https://${host}/`, { method: 'POST', headers, body });
  // The JSON protocol sends timestamps as epoch seconds (with a fraction).
  const json = (await res.json()) as { SecretString?: string; CreatedDate?: number; __type?: string; message?: string };
  // A secret never rotated has no AWSPREVIOUS version.
  if (res.status === 400 && String(json.__type).includes('ResourceNotFoundException') && stage !== 'AWSCURRENT') return null;
  if (!res.ok || typeof json.SecretString !== 'string') throw new Error(`GetSecretValue ${stage} failed: ${res.status} ${json.__type ?? ''} ${json.message ?? ''}`);
  return { value: json.SecretString, createdAt: typeof json.CreatedDate === 'number' ? new Date(json.CreatedDate * 1000) : null };
}

/** Previous secrets verify until the rotation time + TTL; with no known rotation time, not at all. */
const stillAccepted = (rotatedAt: Date | null | undefined, ttlSeconds: number, now: Date): boolean =>
  !!rotatedAt && now.getTime() < rotatedAt.getTime() + ttlSeconds * 1000;

export function webhookSecrets(env: SecretsEnv, clock: Clock): () => Promise<readonly string[]> {
  const ttl = env.WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS;
  const envRotatedAt = env.WEBHOOK_SECRET_ROTATED_AT ? new Date(env.WEBHOOK_SECRET_ROTATED_AT) : null;
  // Decided on every call, not when cached: a warm function stops accepting them on time.
  const fromEnv = () => (stillAccepted(envRotatedAt, ttl, clock.now()) ? previousOf(env) : []);
  if (!env.WEBHOOK_SECRET_ARN) {
    const secret = env.WEBHOOK_SECRET;
    if (!secret) throw new Error('WEBHOOK_SECRET_ARN (or, locally, WEBHOOK_SECRET) must be set');
    return async () => {
      // Locally the value stands in for the secret a deployed function reads.
      recordCall('secretsmanager:GetSecretValue', 'webhook-secret');
      if (env.LOCAL_STACK !== '1' && secret === LOCAL_DEFAULT) {
        throw new Error('WEBHOOK_SECRET is the local default outside the local stack; set WEBHOOK_SECRET_ARN or WEBHOOK_SECRET');
      }
      return [secret, ...fromEnv()];
    };
  }
  const arn = env.WEBHOOK_SECRET_ARN;
  type Versions = { current: string; currentSince: Date | null; previous: string | null };
  let cached: { at: number; versions: Promise<Versions> } | undefined;
  return async () => {
    recordCall('secretsmanager:GetSecretValue', 'webhook-secret');
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      const versions = Promise.all([getSecretValue(env.AWS_REGION, arn, 'AWSCURRENT'), getSecretValue(env.AWS_REGION, arn, 'AWSPREVIOUS')]).then(
        ([current, previous]): Versions => ({ current: current!.value, currentSince: current!.createdAt, previous: previous?.value ?? null }),
      );
      // A failed read is not cached: the next delivery tries again.
      versions.catch(() => (cached = undefined));
      cached = { at: Date.now(), versions };
    }
    const v = await cached.versions;
    const previous = v.previous && stillAccepted(v.currentSince, ttl, clock.now()) ? [v.previous] : [];
    return [v.current, ...previous, ...fromEnv()];
  };
}
