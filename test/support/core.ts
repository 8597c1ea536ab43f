/** Harness for use-case tests against a real dynalite (in memory), without HTTP. */
import { afterAll, beforeAll } from 'vitest';
import { parseEnv } from '../../functions/env.ts';
import { buildDeps, type Deps } from '../../lib/local/deps.ts';
import { LOCAL_ENV } from '../../lib/local/env.ts';
import { createTables, startDynalite, type LocalDynamo } from '../../lib/local/dynamo.ts';

export function useCore(env: Record<string, string> = {}) {
  const ctx = {} as { deps: Deps; dynamo: LocalDynamo };
  beforeAll(async () => {
    ctx.dynamo = await startDynalite({});
    const source = { ...LOCAL_ENV, CHECKOUT_BASE_URL: 'http://127.0.0.1/local/checkout', ...process.env, DYNAMODB_ENDPOINT: ctx.dynamo.endpoint, LOG_LEVEL: 'SILENT', ...env };
    // The whole schema names the queues' URLs too; no port of these deps sends to a queue.
    const parsed = parseEnv({ OUTBOUND_QUEUE_URL: 'http://127.0.0.1/no-queue', GENERATION_JOBS_QUEUE_URL: 'http://127.0.0.1/no-queue', ...source });
    await createTables(ctx.dynamo.endpoint, parsed.TABLE_NAME, parsed.IDEMPOTENCY_TABLE_NAME);
    ctx.deps = buildDeps(source);
  });
  afterAll(async () => {
    ctx.deps?.dynamo.client.destroy();
    await ctx.dynamo?.close();
  });
  return ctx;
}
