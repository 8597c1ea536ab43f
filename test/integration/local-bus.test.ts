/**
 * The local event bus keeps EventBridge's promise: an event it accepted is delivered even if the process
 * stops before the target ran. Accepted events are on disk before `publish` resolves, and the next
 * process delivers them on `resume()`. A stopped process is stood for by a target that never returns.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBus } from '#lib/local/bus.ts';
import { startLocalStack } from '#lib/local/stack.ts';
import { DETAIL_TYPES, EVENT_SOURCE, type FunctionSpec } from '#lib/wiring.ts';
import { apiFor, freshAccount } from '../support/stack.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-bus-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const quiet = () => undefined;
const neverReturns = () => new Promise<never>(() => undefined);
const topUpPaid = (accountId: string) => ({
  source: EVENT_SOURCE,
  detailType: DETAIL_TYPES.topUpPaid,
  detail: { id: `evt_${accountId}`, type: 'topup.paid', createdAt: new Date().toISOString(), accountId, topUpId: 'tu_1' },
});
const journal = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { pending: Array<{ fnId: string; event: any }>; deadLetters: unknown[] };

describe('LocalBus persistence', () => {
  it('given an accepted event, when publish resolves, then the delivery to the rule target is already on disk', async () => {
    const file = join(tempDir(), 'bus.json');
    const bus = new LocalBus(quiet, { file, invoke: neverReturns });
    await bus.publish([topUpPaid('acct_disk')]);
    const [delivery, ...rest] = journal(file).pending;
    expect(rest).toEqual([]);
    expect(delivery).toMatchObject({ fnId: 'billing-events', event: { source: EVENT_SOURCE, 'detail-type': DETAIL_TYPES.topUpPaid, detail: { accountId: 'acct_disk' } } });
  });

  it('given a process that stopped before its target ran, when the next one resumes on the same file, then the same event is delivered once and leaves the file', async () => {
    const file = join(tempDir(), 'bus.json');
    await new LocalBus(quiet, { file, invoke: neverReturns }).publish([topUpPaid('acct_restart')]);
    const before = journal(file).pending[0]!.event;

    const delivered: Array<{ fn: string; event: any }> = [];
    const next = new LocalBus(quiet, { file, invoke: async (fn: FunctionSpec, event: unknown) => void delivered.push({ fn: fn.id, event }) });
    expect(next.backlog).toBe(1);
    expect(delivered).toEqual([]); // nothing runs before the stack says it can serve
    next.resume();
    await next.drain();
    expect(delivered).toEqual([{ fn: 'billing-events', event: before }]);
    expect(journal(file).pending).toEqual([]);

    // A third start has nothing left to deliver.
    const third = new LocalBus(quiet, { file, invoke: async () => void delivered.push({ fn: 'again', event: null }) });
    third.resume();
    await third.drain();
    expect(delivered).toHaveLength(1);
  });

  it('given a target that fails every retry, then the event is dead-lettered, and the dead letter survives a restart', async () => {
    const file = join(tempDir(), 'bus.json');
    const bus = new LocalBus(quiet, { file, retries: 2, backoffMs: () => 1, invoke: async () => Promise.reject(new Error('table gone')) });
    await bus.publish([topUpPaid('acct_dead')]);
    await bus.drain();
    expect(bus.deadLetters).toEqual([{ event: expect.objectContaining({ detail: expect.objectContaining({ accountId: 'acct_dead' }) }), error: 'Error: table gone' }]);
    const after = new LocalBus(quiet, { file });
    expect(after.backlog).toBe(0);
    expect(after.deadLetters).toEqual(bus.deadLetters);
  });
});

describe('the local stack and its bus across a restart', () => {
  it('given a subscription event accepted by a process that stopped before applying it, when the stack starts on the same data directory, then the plan change is applied', async () => {
    const dataDir = tempDir();
    const accountId = freshAccount('restart');
    const createdAt = new Date().toISOString();
    await new LocalBus(quiet, { file: join(dataDir, 'bus.json'), invoke: neverReturns }).publish([
      { source: EVENT_SOURCE, detailType: DETAIL_TYPES.subscriptionChanged, detail: { id: `evt_${accountId}`, type: 'subscription.updated', createdAt, accountId, plan: 'pro' } },
    ]);

    const stack = await startLocalStack({ dataDir, port: 0, env: { LOG_LEVEL: 'SILENT' } });
    try {
      await stack.bus.drain();
      expect(stack.bus.deadLetters).toEqual([]);
      const api = apiFor(stack, await stack.token(accountId));
      const credits = await api.get('/v1/credits');
      expect(credits.status).toBe(200);
      expect(credits.body).toMatchObject({ plan: 'pro' });
      expect(journal(join(dataDir, 'bus.json')).pending).toEqual([]);
    } finally {
      await stack.close();
    }
  }, 60_000);
});
