/**
 * SQS delivers at least once: two deliveries of one job item may run at the same time (a slow worker
 * past the visibility timeout, a throttle re-send whose ack was lost). The use case on dynalite, without
 * HTTP: whichever delivery ends the item first decides it, and the other counts only what is stored, so
 * an item is never both succeeded and failed (a refund of a generation that stands, a job ended early).
 */
import { describe, expect, it } from 'vitest';
import { applyPlan, ensureAccount } from '../../functions/core/credits.ts';
import { ModelFailure } from '../../functions/core/errors.ts';
import { createJob, runItem, type ItemMessage, type WorkerDeps } from '../../functions/core/generation-jobs.ts';
import type { TextModel } from '../../functions/core/model.ts';
import { availableOf } from '../../functions/core/ports.ts';
import { useCore } from '../support/core.ts';
import { freshAccount } from '../support/stack.ts';

const ctx = useCore({ RATE_LIMIT_MAX_ATTEMPTS: '1000' });

async function jobOfOne(): Promise<{ deps: WorkerDeps; accountId: string; message: ItemMessage; release: () => void; slowStarted: Promise<void> }> {
  const accountId = freshAccount('redeliver');
  await ensureAccount(ctx.deps, accountId);
  await applyPlan(ctx.deps, accountId, 'plus', new Date().toISOString());
  const sent: ItemMessage[] = [];
  const jobQueue = { send: async (m: ReadonlyArray<{ body: string }>) => void sent.push(...m.map((x) => JSON.parse(x.body) as ItemMessage)) };
  // The first call waits for `release` (the slow delivery), every later one fails (the other delivery).
  let calls = 0;
  let release!: () => void;
  let started!: () => void;
  const slowStarted = new Promise<void>((r) => (started = r));
  const gate = new Promise<void>((r) => (release = r));
  const real = ctx.deps.model;
  const model: TextModel = {
    generate: async (request, options) => {
      if (calls++ === 0) {
        started();
        await gate;
        return real.generate(request, options);
      }
      throw new ModelFailure('invalid_output', 'scripted failure of the second delivery');
    },
  };
  const deps = { ...ctx.deps, model, jobQueue } as unknown as WorkerDeps;
  await createJob(deps as never, { accountId, feature: 'product_description', items: [{ productId: 'prod_twice', input: { name: 'Rattan Basket' } }] });
  expect(sent).toHaveLength(1);
  return { deps, accountId, message: sent[0]!, release, slowStarted };
}

describe('a job item delivered twice at once', () => {
  it('given the first delivery still at the model when a second one fails the item, when the first then succeeds, then the item stays failed, refunded once, and the job ends once with one item', async () => {
    const { deps, accountId, message, release, slowStarted } = await jobOfOne();
    const slow = runItem(deps, message, 1);
    await slowStarted;
    // The second delivery finds the item running (the first is still at the model) and fails it.
    expect(await runItem(deps, message, 2)).toMatchObject({ failed: expect.stringContaining('model') });
    release();
    await slow;

    const job = (await deps.jobs.getJob(accountId, message.j))!;
    expect({ succeeded: job.succeeded, failed: job.failed }).toEqual({ succeeded: [], failed: [0] });
    expect((await deps.jobs.getItem(accountId, message.j, 0))!.status).toBe('failed');
    // Charged 1 at creation, refunded 1 for the failed item: the plus allowance is whole again, not more.
    const account = (await deps.store.getAccount(accountId))!;
    expect(availableOf(account)).toBe(100);
    const ledger = (await deps.store.ledgerPage(accountId, 50)).items;
    expect(ledger.filter((e) => e.type === 'refund').map((e) => e.amount)).toEqual([1]);
    expect(job.completedAt).toBeDefined();
  });
});
