/**
 * The generation hot path at its minimum: with the account existing, its period current and a rate
 * window open, a generation is one conditional UpdateItem (admit, count, charge, hold, ledger entry),
 * one PutItem (the generation) and one UpdateItem (the hold released), and reads nothing. A ledger block
 * rides on its generation's write (one BatchWriteItem), and the release removes it from the outbox.
 * The brand voice every text generation needs is read once per execution environment and kept 30 s
 * (functions/adapters/dynamo-voice-store.ts): a warm generation reads nothing for it.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoOutbox } from '../../functions/adapters/dynamo-outbox.ts';
import { accountPk, type DynamoCreditStore } from '../../functions/adapters/dynamo-store.ts';
import { applyPlan } from '../../functions/core/credits.ts';
import { relayOutbox } from '../../functions/core/outbox.ts';
import { deps } from '../../lib/local/deps.ts';
import { useStack } from '../support/stack.ts';

const ctx = useStack();
// The functions run in workers: dynalite counts every request it receives, by operation.
const resetDynamoRequestCounts = () => Object.keys(ctx.stack.dynamo.requests).forEach((k) => delete ctx.stack.dynamo.requests[k]);
const readsAndRequests = () => {
  const r: Record<string, number> = ctx.stack.dynamo.requests;
  return { reads: (r.GetItem ?? 0) + (r.Query ?? 0) + (r.BatchGetItem ?? 0), requests: Object.values(r).reduce((a, b) => a + b, 0) };
};
async function setClock(offsetSeconds: number): Promise<void> {
  const r = await fetch(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
  expect(r.status).toBe(200);
}
const body = { feature: 'product_description', productId: 'prod_hot', input: { name: 'Enamel Camp Mug', tone: 'friendly' } };

describe('DynamoDB requests of one generation', () => {
  it('given a paid account with an open rate window, when it generates, then 2 UpdateItem + 1 PutItem and no read, and the state is exact', async () => {
    const { id, api } = await ctx.paid('plus');
    // Opens the window (the slow path) and reads the brand voice once: the environment keeps it 30 s.
    expect((await api.post('/v1/generations', body)).status).toBe(201);

    resetDynamoRequestCounts();
    const r = await api.post('/v1/generations', body);
    const counts = { ...ctx.stack.dynamo.requests };
    expect(r.status).toBe(201);
    expect(counts).toEqual({ UpdateItem: 2, PutItem: 1 });

    expect(r.body.credits.available).toBe(98);
    expect(r.headers.get('ratelimit-remaining')).toBe('8');
    const account = (await deps().store.getAccount(id))!;
    expect([account.allowanceRemaining, account.holds, account.rate?.count]).toEqual([98, [], 2]);
  });

  it('given the brand voice read by an earlier generation, then the next ones read nothing (its cache), and once 30 s of the service clock passed exactly one GetItem more reads it again', async () => {
    const { api } = await ctx.paid('plus');
    expect((await api.put('/v1/brand-voice', { tone: 'friendly', language: 'en', alwaysMention: ['Ships from Iloilo'] })).status).toBe(200);
    expect((await api.post('/v1/generations', body)).status).toBe(201);

    resetDynamoRequestCounts();
    const warm = await api.post('/v1/generations', body);
    // A ledger block may ride on the generation's write (BatchWriteItem instead of PutItem): count requests.
    expect(readsAndRequests()).toEqual({ reads: 0, requests: 3 });
    expect(warm.body.variants[0].text).toContain('Ships from Iloilo');

    try {
      await setClock(31);
      resetDynamoRequestCounts();
      const stale = await api.post('/v1/generations', body);
      expect(stale.status).toBe(201);
      expect(readsAndRequests()).toEqual({ reads: 1, requests: 4 });
      expect(ctx.stack.dynamo.requests.GetItem).toBe(1);
      resetDynamoRequestCounts();
      expect((await api.post('/v1/generations', body)).status).toBe(201);
      expect(readsAndRequests()).toEqual({ reads: 0, requests: 3 });
    } finally {
      await setClock(0);
    }
  });

  it('given 30 attempts (10 generations, then the rate limit; a ledger block flushed along the way), then the balance item is at most 1 KB: a write of it costs one write unit', async () => {
    const { id, api } = await ctx.paid('premium');
    for (let i = 0; i < 30; i++) {
      const r = await api.post('/v1/generations', { ...body, productId: `prod_hot_${i}` });
      expect(r.status === 201 || r.status === 429).toBe(true);
    }
    // A write that changes nothing is billed for the item as it is (dynalite reports capacity like DynamoDB).
    const r = await deps().dynamo.doc.send(
      new UpdateCommand({ TableName: deps().env.TABLE_NAME, Key: { pk: accountPk(id), sk: 'BALANCE' }, UpdateExpression: 'SET seq = seq', ReturnConsumedCapacity: 'TOTAL' }),
    );
    expect(r.ConsumedCapacity?.CapacityUnits).toBe(1);
  });

  it('given 9 generations in a row after the window opened (two ledger blocks crossed on the way), then each is 3 requests (2 UpdateItem and the generation, a block riding on the write of its generation, its trim on the release), every write is one write unit, and the ledger reads whole', async () => {
    const { id, api } = await ctx.paid('plus');
    expect((await api.post('/v1/generations', body)).status).toBe(201);
    // The plan change recorded credits.reset in the event outbox; billing-events relays it right after the
    // change, which this setup (a direct applyPlan) does here: the balance item is in its steady state.
    const outbox = new DynamoOutbox(deps().dynamo.doc, deps().env.TABLE_NAME, deps().store as DynamoCreditStore);
    expect(await relayOutbox({ ...deps(), outbound: { enqueue: async () => undefined }, outbox }, (await deps().store.getAccount(id))!)).toBe(1);
    resetDynamoRequestCounts();
    const capacity = ctx.stack.dynamo.capacity;
    Object.keys(capacity).forEach((k) => delete capacity[k]);
    ctx.stack.dynamo.meterCapacity = true;
    try {
      for (let i = 0; i < 9; i++) expect((await api.post('/v1/generations', { ...body, productId: `prod_run_${i}` })).status).toBe(201);
    } finally {
      ctx.stack.dynamo.meterCapacity = false;
    }
    // The grant, the plan change and 10 charges (seq 1–12): the outbox crossed 6 and 12, so two block
    // items, each written in one BatchWriteItem with its generation: 3 requests for every generation.
    expect({ ...ctx.stack.dynamo.requests }).toEqual({ UpdateItem: 18, PutItem: 7, BatchWriteItem: 2 });
    expect({ ...capacity }).toEqual({ UpdateItem: 18, PutItem: 7, BatchWriteItem: 4 });

    const account = (await deps().store.getAccount(id))!;
    expect(account.pending.length).toBeLessThan(6);
    const page = await deps().store.ledgerPage(id, 100);
    expect(page.items.map((e) => e.seq)).toEqual(Array.from({ length: account.seq }, (_, i) => account.seq - i));
    expect(page.items.reduce((s, e) => s + e.amount, 0)).toBe(account.allowanceRemaining + account.purchased);
    expect(page.items.filter((e) => e.type === 'charge')).toHaveLength(10);
  });

  it('given 9 generations with Idempotency-Keys (conditional puts), then each crossed block is written beside its generation, trimmed by the release, and the ledger reads whole', async () => {
    const { id, api } = await ctx.paid('plus');
    expect((await api.post('/v1/generations', body)).status).toBe(201);
    resetDynamoRequestCounts();
    for (let i = 0; i < 9; i++) expect((await api.post('/v1/generations', { ...body, productId: `prod_key_${i}` }, { 'idempotency-key': `key-${i}` })).status).toBe(201);
    expect(ctx.stack.dynamo.requests.BatchWriteItem).toBe(2);
    const account = (await deps().store.getAccount(id))!;
    expect(account.pending.length).toBeLessThan(6);
    const page = await deps().store.ledgerPage(id, 100);
    expect(page.items.map((e) => e.seq)).toEqual(Array.from({ length: account.seq }, (_, i) => account.seq - i));
    expect(page.items.reduce((s, e) => s + e.amount, 0)).toBe(account.allowanceRemaining + account.purchased);
  });

  it('given a plan without the feature, when it generates, then 403 after one failed write that says why (no read), and nothing is counted or charged', async () => {
    const { id, api } = await ctx.paid('plus');
    await api.post('/v1/generations', body);
    await applyPlan(deps(), id, 'free', new Date().toISOString());
    resetDynamoRequestCounts();
    const r = await api.post('/v1/generations', { ...body, feature: 'seo_meta' });
    expect(r.status).toBe(403);
    expect({ ...ctx.stack.dynamo.requests }).toEqual({ UpdateItem: 1 });
    const account = (await deps().store.getAccount(id))!;
    expect([account.plan, account.allowanceRemaining, account.rate?.count]).toEqual(['free', 25, 1]);
  });

  it('given an account with no credits left and an open rate window, when it generates, then 402 from the refused write alone (it carries the item, no read), and nothing is charged', async () => {
    const { id, api } = await ctx.paid('plus');
    expect((await api.post('/v1/generations', body)).status).toBe(201);
    await deps().dynamo.doc.send(
      new UpdateCommand({
        TableName: deps().env.TABLE_NAME,
        Key: { pk: accountPk(id), sk: 'BALANCE' },
        UpdateExpression: 'SET allowanceRemaining = :z, purchased = :z',
        ExpressionAttributeValues: { ':z': 0 },
      }),
    );
    resetDynamoRequestCounts();
    const r = await api.post('/v1/generations', body);
    expect([r.status, r.body.error?.code]).toEqual([402, 'INSUFFICIENT_CREDITS']);
    expect(ctx.stack.dynamo.requests.GetItem ?? 0).toBe(0);
    const account = (await deps().store.getAccount(id))!;
    expect([account.allowanceRemaining, account.purchased, account.holds]).toEqual([0, 0, []]);
  });
});
