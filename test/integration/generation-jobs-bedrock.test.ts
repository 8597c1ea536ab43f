/**
 * Bulk jobs against a scripted Bedrock (the Converse fake): throttling is retried with backoff on the
 * service clock (not failed), an item that finally fails is refunded, and a cancel gives back the credits
 * of every item not started in one write.
 */
import { describe, expect, it } from 'vitest';
import { deps } from '../../lib/local/deps.ts';
import { useFakeConverse } from '../support/fake-converse.ts';
import { expectLedgerMatches } from '../support/ledger.ts';
import { call, useStack, type Api } from '../support/stack.ts';

const converse = useFakeConverse();
const ctx = useStack({
  env: { AI_PROVIDER: 'bedrock', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', MODEL_TIME_BUDGET_MS: '15000', RATE_LIMIT_MAX_ATTEMPTS: '1000' },
});

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ productId: `prod_${i}`, input: { name: `Product ${i}` } }));
let offset = 0;
/** Moves the service clock forward (delayed messages fall due), as time passing would. */
async function advance(seconds: number): Promise<void> {
  offset += seconds;
  const r = await call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds: offset }) });
  expect(r.status).toBe(200);
}
const job = async (api: Api, id: string) => (await api.get(`/v1/generation-jobs/${id}`)).body;
const stored = async (accountId: string, jobId: string) => (await deps().jobs.listItems(accountId, jobId, 100)).items.map((x) => x.status);

describe('bulk jobs through a scripted Bedrock', () => {
  it('given the model throttles an item, when the job runs, then the item waits with a backoff and succeeds later, never failed or refunded', async () => {
    const { id, api } = await ctx.paid('plus');
    // Both of the SDK's attempts of the first call are throttled.
    converse.fake.script('throttle', 'throttle');
    const r = await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(1) });
    expect(r.status).toBe(202);
    await expect.poll(() => converse.fake.requests.length, { timeout: 20_000 }).toBe(2);
    await expect.poll(() => stored(id, r.body.id), { timeout: 20_000 }).toEqual(['pending']);
    await ctx.stack.queues.idle('generation-jobs');
    expect((await job(api, r.body.id)).status).toBe('queued');
    // The backoff (5 s on the service clock) has not passed: nothing more is asked of the model.
    expect(converse.fake.requests.length).toBe(2);
    await advance(6);
    await expect.poll(async () => (await job(api, r.body.id)).status, { timeout: 20_000 }).toBe('completed');
    expect(await job(api, r.body.id)).toMatchObject({ succeeded: 1, failed: 0, creditsCharged: 1, creditsRefunded: 0 });
    expect(converse.fake.requests.length).toBe(3);
    const { account } = await expectLedgerMatches(deps().store, id);
    expect(account.allowanceRemaining).toBe(99);
  });

  it('given the model fails every item, when the job runs, then each item fails and is refunded, and the ledger sums to the balance', async () => {
    const { id, api } = await ctx.paid('plus');
    converse.fake.setDefault('internal');
    const r = await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(3) });
    expect((await api.get('/v1/credits')).body.credits.available).toBe(97);
    await expect.poll(async () => (await job(api, r.body.id)).status, { timeout: 30_000 }).toBe('completed');
    expect(await job(api, r.body.id)).toMatchObject({ succeeded: 0, failed: 3, creditsCharged: 0, creditsRefunded: 3, creditsHeld: 0 });
    expect((await api.get('/v1/credits')).body.credits.available).toBe(100);
    const { ledger, account } = await expectLedgerMatches(deps().store, id);
    const refunds = ledger.filter((e) => e.type === 'refund');
    expect(refunds.reduce((s, e) => s + e.amount, 0)).toBe(3);
    expect(refunds.every((e) => e.generationId === r.body.id)).toBe(true);
    expect(account.jobHolds).toEqual([]);
    expect((await api.get(`/v1/generation-jobs/${r.body.id}/items`)).body.items.map((x: { status: string }) => x.status)).toEqual(['failed', 'failed', 'failed']);
  });

  it('given items waiting out a throttle, when the job is canceled, then the pending ones are canceled and their credits come back at once in one refund, and the job ends canceled', async () => {
    const { id, api } = await ctx.paid('plus');
    converse.fake.setDefault('throttle');
    const r = await api.post('/v1/generation-jobs', { feature: 'product_description', items: items(4) });
    // Every item was tried (throttled) and is pending again, waiting for its backoff.
    await ctx.stack.queues.idle('generation-jobs');
    await expect.poll(() => stored(id, r.body.id), { timeout: 20_000 }).toContain('pending');
    expect((await api.get('/v1/credits')).body.credits.available).toBe(96);
    const ledgerBefore = (await expectLedgerMatches(deps().store, id)).ledger.length;

    const canceled = await api.post(`/v1/generation-jobs/${r.body.id}/cancel`);
    expect(canceled.status).toBe(200);
    // An item whose backoff had just ended may be running again: it finishes; every pending one is canceled.
    const n = canceled.body.canceled as number;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(canceled.body).toMatchObject({ succeeded: 0, creditsRefunded: n, creditsHeld: 4 - n });
    expect(canceled.body.status).toBe(n === 4 ? 'canceled' : 'running');
    // Given back by the cancel itself, in one entry.
    expect((await api.get('/v1/credits')).body.credits.available).toBe(96 + n);
    const { ledger } = await expectLedgerMatches(deps().store, id);
    expect(ledger.length).toBe(ledgerBefore + 1);
    expect(ledger[0]).toMatchObject({ type: 'refund', amount: n, generationId: r.body.id });

    // The delayed messages come due: canceled items stay canceled, a running one ends, the job is canceled.
    converse.fake.setDefault('success');
    await advance(1000);
    await expect.poll(async () => (await job(api, r.body.id)).status, { timeout: 30_000 }).toBe('canceled');
    await ctx.stack.queues.idle('generation-jobs');
    const done = await job(api, r.body.id);
    expect(done).toMatchObject({ canceled: n, succeeded: 4 - n, failed: 0, creditsHeld: 0, creditsRefunded: n, creditsCharged: 4 - n });
    expect((await api.get('/v1/credits')).body.credits.available).toBe(96 + n);
    expect((await api.post(`/v1/generation-jobs/${r.body.id}/cancel`)).body).toMatchObject({ status: 'canceled', canceled: n });
    expect((await expectLedgerMatches(deps().store, id)).ledger.length).toBe(ledgerBefore + 1);
    const notes = (await api.get('/v1/notifications')).body.items.filter((x: { type: string }) => x.type === 'generation_job_completed');
    expect(notes).toHaveLength(1);
  });
});
