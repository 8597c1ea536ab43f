/**
 * The outbound signing key: the root each webhook endpoint's secret is derived from
 * (functions/core/webhooks.ts `endpointSecret`). In AWS a Secrets Manager secret CDK generates
 * (`OUTBOUND_SIGNING_KEY_ARN`, read with the function's role, cached a few minutes); locally the value
 * (`OUTBOUND_SIGNING_KEY`), whose well-known default is refused outside the local stack.
 */
import type { Env } from '../env.ts';
import type { SigningKey } from '../core/webhooks.ts';
import { recordCall } from './aws-calls.ts';
import { getSecretValue } from './webhook-secrets.ts';

export const LOCAL_SIGNING_KEY = 'local-outbound-signing-key';
const CACHE_MS = 5 * 60_000;

export function makeSigningKey(env: Pick<Env, 'OUTBOUND_SIGNING_KEY' | 'OUTBOUND_SIGNING_KEY_ARN' | 'LOCAL_STACK' | 'AWS_REGION'>): SigningKey {
  const arn = env.OUTBOUND_SIGNING_KEY_ARN;
  if (!arn) {
    const key = env.OUTBOUND_SIGNING_KEY;
    if (!key) throw new Error('OUTBOUND_SIGNING_KEY_ARN (or, locally, OUTBOUND_SIGNING_KEY) must be set');
    return async () => {
      recordCall('secretsmanager:GetSecretValue', 'outbound-signing-key');
      if (env.LOCAL_STACK !== '1' && key === LOCAL_SIGNING_KEY) throw new Error('OUTBOUND_SIGNING_KEY is the local default outside the local stack');
      return key;
    };
  }
  let cached: { at: number; value: Promise<string> } | undefined;
  return async () => {
    recordCall('secretsmanager:GetSecretValue', 'outbound-signing-key');
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      const value = getSecretValue(env.AWS_REGION, arn, 'AWSCURRENT').then((v) => v!.value);
      // A failed read is not cached: the next call tries again.
      value.catch(() => (cached = undefined));
      cached = { at: Date.now(), value };
    }
    return cached.value;
  };
}
