/**
 * The local stack hands each function worker role credentials in its environment, as Lambda does: the
 * bundled SDK clients read credentials from there only (functions/adapters/aws-credentials.ts).
 */
import { describe, expect, it } from 'vitest';
import { LOCAL_ROLE_CREDENTIALS, localEnvFor } from '../../lib/local/env.ts';
import { FUNCTIONS } from '../../lib/wiring.ts';

const CREDENTIAL_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
const pick = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([k]) => CREDENTIAL_KEYS.includes(k)));

describe('local function environments', () => {
  it('given a stack environment without credentials, when any function starts, then its environment has the fixed local role credentials', () => {
    for (const fn of FUNCTIONS) expect(pick(localEnvFor(fn, { AWS_REGION: 'us-east-1' })), fn.id).toEqual(LOCAL_ROLE_CREDENTIALS);
  });

  it('given credentials in the stack environment (a real account for Bedrock), then exactly those pass through, without the local session token', () => {
    const fn = FUNCTIONS.find((f) => f.access.includes('bedrock:invoke'))!;
    expect(pick(localEnvFor(fn, { AWS_ACCESS_KEY_ID: 'AKIAREAL', AWS_SECRET_ACCESS_KEY: 'real-secret' }))).toEqual({ AWS_ACCESS_KEY_ID: 'AKIAREAL', AWS_SECRET_ACCESS_KEY: 'real-secret' });
  });
});
