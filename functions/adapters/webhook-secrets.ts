/**
 * The webhook signing secrets the handler accepts: the current one first, then older ones kept during
 * a rotation.
 *
 * - Locally (and wherever `WEBHOOK_SECRET` is set explicitly): `WEBHOOK_SECRET` plus the comma-separated
 *   `WEBHOOK_SECRETS_PREVIOUS`.
 * - In AWS, CDK passes `WEBHOOK_SECRET_ARN` (never the value): the `AWSCURRENT` and `AWSPREVIOUS` versions
 *   of that Secrets Manager secret are read (cached a few minutes, so a rotation reaches warm functions),
 *   plus `WEBHOOK_SECRETS_PREVIOUS`. Rotating = putting the new value; the old stays accepted as
 *   `AWSPREVIOUS` until the next rotation.
 * Outside the local stack the well-known local default is refused: it would let anyone sign events.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Env } from '../config.ts';

const LOCAL_DEFAULT = 'local-webhook-secret';
const CACHE_MS = 5 * 60_000;

type SecretsEnv = Pick<Env, 'WEBHOOK_SECRET' | 'WEBHOOK_SECRETS_PREVIOUS' | 'WEBHOOK_SECRET_ARN' | 'LOCAL_STACK' | 'AWS_REGION'>;

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
async function getSecretValue(region: string, secretId: string, stage: string): Promise<string | null> {
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
  const json = (await res.json()) as { SecretString?: string; __type?: string; message?: string };
  // A secret never rotated has no AWSPREVIOUS version.
  if (res.status === 400 && String(json.__type).includes('ResourceNotFoundException') && stage !== 'AWSCURRENT') return null;
  if (!res.ok || typeof json.SecretString !== 'string') throw new Error(`GetSecretValue ${stage} failed: ${res.status} ${json.__type ?? ''} ${json.message ?? ''}`);
  return json.SecretString;
}

export function webhookSecrets(env: SecretsEnv): () => Promise<readonly string[]> {
  if (!env.WEBHOOK_SECRET_ARN) {
    if (!env.WEBHOOK_SECRET) throw new Error('WEBHOOK_SECRET_ARN (or, locally, WEBHOOK_SECRET) must be set');
    const secrets = [env.WEBHOOK_SECRET, ...previousOf(env)];
    return async () => {
      if (env.LOCAL_STACK !== '1' && env.WEBHOOK_SECRET === LOCAL_DEFAULT) {
        throw new Error('WEBHOOK_SECRET is the local default outside the local stack; set WEBHOOK_SECRET_ARN or WEBHOOK_SECRET');
      }
      return secrets;
    };
  }
  const arn = env.WEBHOOK_SECRET_ARN;
  let cached: { at: number; secrets: Promise<readonly string[]> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      const secrets = Promise.all([getSecretValue(env.AWS_REGION, arn, 'AWSCURRENT'), getSecretValue(env.AWS_REGION, arn, 'AWSPREVIOUS')]).then(
        ([current, previous]) => [current!, ...(previous ? [previous] : []), ...previousOf(env)],
      );
      // A failed read is not cached: the next delivery tries again.
      secrets.catch(() => (cached = undefined));
      cached = { at: Date.now(), secrets };
    }
    return cached.secrets;
  };
}
