/**
 * Webhook endpoint secrets are derived, never stored: the same key and endpoint always give the same
 * secret, another endpoint or key another one; the local key is refused outside the local stack, and a
 * function that signs cannot start without a key.
 */
import { describe, expect, it } from 'vitest';
import { LOCAL_SIGNING_KEY, makeSigningKey } from '../../functions/adapters/signing-key.ts';
import { endpointSecret } from '../../functions/core/webhooks.ts';
import { parseEnvFor } from '../../functions/env.ts';

describe('endpoint secrets', () => {
  it('are whsec_ + 43 base64url characters, the same for the same key and endpoint, different for another endpoint or key', () => {
    const key = 'k'.repeat(64);
    const s = endpointSecret(key, 'whe_a');
    expect(s).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpointSecret(key, 'whe_a')).toBe(s);
    expect(endpointSecret(key, 'whe_b')).not.toBe(s);
    expect(endpointSecret('j'.repeat(64), 'whe_a')).not.toBe(s);
  });

  it('given the local signing key outside the local stack, then signing refuses; on the local stack it is the key', async () => {
    await expect(makeSigningKey({ AWS_REGION: 'us-east-1', LOCAL_STACK: '0', OUTBOUND_SIGNING_KEY: LOCAL_SIGNING_KEY })()).rejects.toThrow(/local default/);
    await expect(makeSigningKey({ AWS_REGION: 'us-east-1', LOCAL_STACK: '1', OUTBOUND_SIGNING_KEY: LOCAL_SIGNING_KEY })()).resolves.toBe(LOCAL_SIGNING_KEY);
  });

  it('given neither the key nor its secret ARN, then the cold start fails naming OUTBOUND_SIGNING_KEY_ARN', () => {
    expect(() => parseEnvFor(['OUTBOUND_SIGNING_KEY', 'OUTBOUND_SIGNING_KEY_ARN'], {})).toThrow(/OUTBOUND_SIGNING_KEY_ARN/);
    expect(() => parseEnvFor(['OUTBOUND_SIGNING_KEY', 'OUTBOUND_SIGNING_KEY_ARN'], { OUTBOUND_SIGNING_KEY_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:x' })).not.toThrow();
  });
});
