/**
 * A bulk job survives its worker dying: the stack runs in a child process, SIGKILLed while the worker is
 * storing an item's generation; a new process on the same data (dynalite, the queue journal) redelivers
 * the messages the dead one had received, and the job completes with every item charged exactly once.
 */
import { describe, expect, it } from 'vitest';
import { startKillableStack, useDynaliteForStacks, type DynamoCall } from '../support/killable-stack.ts';
import { call, freshAccount } from '../support/stack.ts';

const dynamo = useDynaliteForStacks();

const isGeneration = (c: DynamoCall) => c.operation === 'PutItem' && String(c.body.Item?.sk?.S).startsWith('GEN#');
const isOutcome = (c: DynamoCall) => c.operation === 'UpdateItem' && String(c.body.UpdateExpression).startsWith('ADD ok');

describe('a bulk job whose worker dies mid-item', () => {
  for (const [gap, tripwire] of [
    ['while storing an item’s generation', isGeneration],
    ['after an item succeeded, before the job counted it', isOutcome],
  ] as const) {
    it(`given the process dies ${gap}, when the stack restarts, then the job completes, every item once, charged once`, { timeout: 150_000 }, async () => {
      const stack = await startKillableStack(dynamo.endpoint);
      try {
        const accountId = freshAccount('jobcrash');
        const token = (await call<{ token: string }>(`${stack.url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId }) })).body.token;
        const auth = { authorization: `Bearer ${token}` };
        const get = (path: string) => call(`${stack.url}${path}`, { headers: auth });
        expect((await get('/v1/credits')).body.credits.available).toBe(25);

        const items = Array.from({ length: 20 }, (_, i) => ({ productId: `prod_${i}`, input: { name: `Crash product ${i}` } }));
        const created = await call(`${stack.url}/v1/generation-jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ feature: 'product_description', items }) });
        expect(created.status).toBe(202);
        // The worker is under way (the create answered once its items were queued): it dies at its 3rd such write from now.
        let seen = 0;
        stack.killWhen((c) => tripwire(c) && ++seen === 3);
        await stack.killed();
        await stack.restart();

        await expect.poll(async () => (await get(`/v1/generation-jobs/${created.body.id}`)).body.status, { timeout: 90_000, interval: 250 }).toBe('completed');
        const job = (await get(`/v1/generation-jobs/${created.body.id}`)).body;
        expect(job).toMatchObject({ total: 20, succeeded: 20, failed: 0, creditsCharged: 20, creditsRefunded: 0, creditsHeld: 0 });
        const listed = (await get(`/v1/generation-jobs/${created.body.id}/items?limit=100`)).body.items as Array<{ generationId: string }>;
        expect(new Set(listed.map((x) => x.generationId)).size).toBe(20);
        // One generation per item, however often an item ran.
        expect((await get('/v1/generations?limit=100')).body.items).toHaveLength(20);
        expect((await get('/v1/credits')).body.credits.available).toBe(5);
        const ledger = (await get('/v1/credits/ledger?limit=100')).body.items as Array<{ type: string; amount: number }>;
        expect(ledger.map((e) => [e.type, e.amount])).toEqual([
          ['charge', -20],
          ['grant', 25],
        ]);
      } finally {
        await stack.close();
      }
    });
  }
});
