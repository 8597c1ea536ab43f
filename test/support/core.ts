/** Harness for use-case tests against a real dynalite (in memory), without HTTP. */
import { afterAll, beforeAll } from 'vitest';
import { parseEnv } from '../../functions/env.ts';
import { buildDeps, type Deps } from '../../lib/local/deps.ts';
import { LOCAL_ENV, UNSERVED_QUEUE_URLS } from '../../lib/local/env.ts';
import { createTables, startDynalite, type LocalDynamo } from '../../lib/local/dynamo.ts';

export function useCore(env: Record<string, string> = {}) {
  const ctx = {} as { deps: Deps; dynamo: LocalDynamo };
  beforeAll(async () => {
    ctx.dynamo = await startDynalite({});
    const source = { ...LOCAL_ENV, ...UNSERVED_QUEUE_URLS, CHECKOUT_BASE_URL: 'http://127.0.0.1/local/checkout', ...process.env, DYNAMODB_ENDPOINT: ctx.dynamo.endpoint, LOG_LEVEL: 'SILENT', ...env };
    const parsed = parseEnv(source);
    await createTables(ctx.dynamo.endpoint, parsed.TABLE_NAME, parsed.IDEMPOTENCY_TABLE_NAME);
    ctx.deps = buildDeps(source);
  });
  afterAll(async () => {
    ctx.deps?.dynamo.client.destroy();
    await ctx.dynamo?.close();
  });
  return ctx;
}
