/**
 * `npm run bench -- bulk`: a 500-item bulk job (product descriptions, the offline model) through the local
 * stack — the create route, the generation-jobs queue and its worker bundle at its reserved concurrency —
 * timed from the POST to `completed`, beside the floor of the same run: sequential single generations
 * (`POST /v1/generations`, one client) per second, i.e. what a client doing the job itself would get.
 */
import { applyPlan, ensureAccount } from '../../functions/core/credits.ts';
import { deps as stackDeps } from '../../lib/local/deps.ts';
import { startLocalStack } from '../../lib/local/stack.ts';

const ITEMS = 500;
const SINGLES = 100;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchBulk(): Promise<Record<string, number | string>> {
  const stack = await startLocalStack({ port: 0, env: { LOG_LEVEL: 'SILENT', RATE_LIMIT_MAX_ATTEMPTS: '1000000' } });
  try {
    const deps = stackDeps();
    const accountId = 'bench_bulk';
    await ensureAccount(deps, accountId);
    await applyPlan(deps, accountId, 'premium', new Date().toISOString());
    // 400 allowance is not enough for 500 items: a grant covers the rest (and the single generations).
    await deps.store.apply(accountId, { purchasedDelta: 1000, entries: [{ id: 'led_benchbulk', at: new Date().toISOString(), type: 'adjust', amount: 1000, bucket: 'purchased', reason: 'bench' }], guard: {} });
    const auth = { authorization: `Bearer ${await stack.token(accountId)}`, 'content-type': 'application/json' };
    const input = (i: number) => ({ name: `Bench product ${i}`, category: 'Home', features: ['hand-glazed', 'dishwasher safe'], tone: 'friendly' });

    // Warm-up: the bundles' cold starts and connections, for both paths.
    await fetch(`${stack.url}/v1/generations`, { method: 'POST', headers: auth, body: JSON.stringify({ feature: 'product_description', productId: 'warm', input: input(0) }) });
    const warm = await (await fetch(`${stack.url}/v1/generation-jobs`, { method: 'POST', headers: auth, body: JSON.stringify({ feature: 'product_description', items: [{ productId: 'warm', input: input(0) }] }) })).json() as { id: string };
    await stack.queues.idle('generation-jobs');
    void warm;

    // The floor: sequential single generations, one client.
    const singleStart = performance.now();
    for (let i = 0; i < SINGLES; i++) {
      const r = await fetch(`${stack.url}/v1/generations`, { method: 'POST', headers: auth, body: JSON.stringify({ feature: 'product_description', productId: `single_${i}`, input: input(i) }) });
      if (r.status !== 201) throw new Error(`single generation answered ${r.status}`);
      await r.text();
    }
    const singlesPerSecond = SINGLES / ((performance.now() - singleStart) / 1000);

    const items = Array.from({ length: ITEMS }, (_, i) => ({ productId: `bulk_${i}`, input: input(i) }));
    const started = performance.now();
    const created = await fetch(`${stack.url}/v1/generation-jobs`, { method: 'POST', headers: auth, body: JSON.stringify({ feature: 'product_description', items }) });
    const createdMs = performance.now() - started;
    if (created.status !== 202) throw new Error(`job create answered ${created.status}`);
    const { id } = (await created.json()) as { id: string };
    let job: { status: string; succeeded: number; failed: number } = { status: 'queued', succeeded: 0, failed: 0 };
    while (job.status !== 'completed') {
      await new Promise((r) => setTimeout(r, 200));
      job = (await (await fetch(`${stack.url}/v1/generation-jobs/${id}`, { headers: auth })).json()) as typeof job;
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      [`${ITEMS} items: POST answered 202 in (ms)`]: Math.round(createdMs),
      [`${ITEMS} items: POST to completed (s; goal <= 60)`]: round(seconds),
      'bulk items/s': round(ITEMS / seconds),
      'items succeeded / failed': `${job.succeeded} / ${job.failed}`,
      [`floor: sequential single generations/s (1 client, ${SINGLES})`]: round(singlesPerSecond),
      'bulk / sequential singles': round(ITEMS / seconds / singlesPerSecond, 2),
    };
  } finally {
    await stack.close();
  }
}
