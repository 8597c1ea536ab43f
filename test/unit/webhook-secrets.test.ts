/**
 * Which webhook secrets verify after a rotation, in AWS (Secrets Manager, answered here by a stub of the
 * `GetSecretValue` HTTP call) and from the environment: the previous secret only until the rotation
 * time + the TTL (default 24 h), on the given clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseEnvFor } from '../../functions/env.ts';
import { BASE_ENV } from '../../functions/composition/compose.ts';
import { webhookSecrets as webhookSecretsPort } from '../../functions/composition/webhook-secrets.ts';
import { webhookSecrets } from '../../functions/adapters/webhook-secrets.ts';

/** The environment as the webhook function parses it: its ports' keys only. */
const parseEnv = (source: NodeJS.ProcessEnv) => parseEnvFor([...BASE_ENV, ...webhookSecretsPort.env], { AWS_REGION: 'us-east-1', ...source });

const HOUR = 3600_000;
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook-AbCdEf';

/** A fake Secrets Manager: AWSCURRENT created at `currentCreated`, and an AWSPREVIOUS unless `previous` is null. */
function stubSecretsManager(currentCreated: Date, previous: string | null = 'old-secret') {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (_url: string, init: { body: string; headers: Record<string, string> }) => {
    const { VersionStage } = JSON.parse(init.body) as { VersionStage: string };
    calls.push(`${init.headers['x-amz-target']} ${VersionStage}`);
    if (VersionStage === 'AWSCURRENT') return Response.json({ SecretString: 'new-secret', CreatedDate: currentCreated.getTime() / 1000 });
    if (previous === null) return Response.json({ __type: 'ResourceNotFoundException', message: 'no such version' }, { status: 400 });
    return Response.json({ SecretString: previous, CreatedDate: (currentCreated.getTime() - 90 * 24 * HOUR) / 1000 });
  });
  return calls;
}

const awsEnv = (extra: Record<string, string> = {}) => parseEnv({ WEBHOOK_SECRET_ARN: ARN, AWS_REGION: 'us-east-1', ...extra });
const clockAt = (d: Date) => ({ now: () => d });

beforeEach(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('webhook secrets in AWS (Secrets Manager)', () => {
  const rotated = new Date('2027-03-01T10:00:00Z');

  it('given AWSCURRENT created 1 h ago, then the current and the previous secret verify, read with GetSecretValue only', async () => {
    const calls = stubSecretsManager(rotated);
    expect(await webhookSecrets(awsEnv(), clockAt(new Date(rotated.getTime() + HOUR)))()).toEqual(['new-secret', 'old-secret']);
    expect(calls.sort()).toEqual(['secretsmanager.GetSecretValue AWSCURRENT', 'secretsmanager.GetSecretValue AWSPREVIOUS']);
  });

  it('given AWSCURRENT created 24 h ago or more, then only the current secret verifies', async () => {
    stubSecretsManager(rotated);
    expect(await webhookSecrets(awsEnv(), clockAt(new Date(rotated.getTime() + 24 * HOUR)))()).toEqual(['new-secret']);
  });

  it('given a warm function that read the secrets inside the 24 h, when the 24 h pass, then the cached previous secret stops verifying', async () => {
    stubSecretsManager(rotated);
    let now = new Date(rotated.getTime() + 23 * HOUR);
    const secrets = webhookSecrets(awsEnv(), { now: () => now });
    expect(await secrets()).toEqual(['new-secret', 'old-secret']);
    now = new Date(rotated.getTime() + 24 * HOUR + 1000);
    expect(await secrets()).toEqual(['new-secret']);
  });

  it('given WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS=3600, then the previous secret verifies for one hour only', async () => {
    stubSecretsManager(rotated);
    const env = awsEnv({ WEBHOOK_PREVIOUS_SECRET_TTL_SECONDS: '3600' });
    expect(await webhookSecrets(env, clockAt(new Date(rotated.getTime() + HOUR - 1000)))()).toEqual(['new-secret', 'old-secret']);
    expect(await webhookSecrets(env, clockAt(new Date(rotated.getTime() + HOUR)))()).toEqual(['new-secret']);
  });

  it('given a secret never rotated (no AWSPREVIOUS), then the current secret alone', async () => {
    stubSecretsManager(rotated, null);
    expect(await webhookSecrets(awsEnv(), clockAt(new Date(rotated.getTime() + HOUR)))()).toEqual(['new-secret']);
  });
});

describe('webhook secrets from the environment', () => {
  const rotated = '2027-03-01T10:00:00.000Z';
  const env = (extra: Record<string, string> = {}) =>
    parseEnv({ LOCAL_STACK: '1', WEBHOOK_SECRET: 'now', WEBHOOK_SECRETS_PREVIOUS: 'before, long-ago', WEBHOOK_SECRET_ROTATED_AT: rotated, ...extra });

  it('given WEBHOOK_SECRET_ROTATED_AT, then the previous secrets verify until 24 h after it, then only WEBHOOK_SECRET', async () => {
    expect(await webhookSecrets(env(), clockAt(new Date(Date.parse(rotated) + 24 * HOUR - 1000)))()).toEqual(['now', 'before', 'long-ago']);
    expect(await webhookSecrets(env(), clockAt(new Date(Date.parse(rotated) + 24 * HOUR)))()).toEqual(['now']);
  });

  it('given WEBHOOK_SECRETS_PREVIOUS without WEBHOOK_SECRET_ROTATED_AT, then the environment is refused, naming the variable', () => {
    expect(() => parseEnv({ WEBHOOK_SECRET: 'now', WEBHOOK_SECRETS_PREVIOUS: 'before' })).toThrow(/WEBHOOK_SECRET_ROTATED_AT/);
    expect(() => parseEnv({ WEBHOOK_SECRET: 'now', WEBHOOK_SECRET_ROTATED_AT: 'yesterday' })).toThrow(/WEBHOOK_SECRET_ROTATED_AT/);
  });
});
