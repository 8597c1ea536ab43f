/**
 * The event outbox on dynalite: a change and its events are one write; the relay hands the outbox to the
 * outbound queue and trims exactly what it sent (guarded on the head), so a writer that died before
 * relaying is relayed by the hourly job (through `events-due`), and a relay that died between the enqueue
 * and the trim sends the same ids again.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkQueue } from '../../functions/adapters/sqs-queue.ts';
import { SqsOutboundQueue } from '../../functions/adapters/outbound-queue.ts';
import { LOCAL_ROLE_CREDENTIALS } from '../../lib/local/env.ts';
import { LocalQueues } from '../../lib/local/queues.ts';
import type { FunctionSpec } from '../../lib/wiring.ts';
import { DynamoOutbox } from '../../functions/adapters/dynamo-outbox.ts';
import { dueShardOf } from '../../functions/adapters/dynamo-store.ts';
import { noticeAlerts } from '../../functions/core/alerts.ts';
import { applyPlan, charge, ensureAccount, grantCredits } from '../../functions/core/credits.ts';
import { outboundEvent, type OutboundEvent } from '../../functions/core/outbound.ts';
import { relayFaults, relayOutbox, RELAY_GRACE_SECONDS } from '../../functions/core/outbox.ts';
import { refreshDueAccounts } from '../../functions/core/refresh-job.ts';
import { useCore } from '../support/core.ts';
import { manualClock } from '../support/memory-store.ts';
import { freshAccount } from '../support/stack.ts';

const core = useCore();

/** An outbound queue that keeps what it was handed, in order (ids may repeat: at-least-once). */
function memoryQueue() {
  const sent: OutboundEvent[] = [];
  return { sent, enqueue: async (events: readonly OutboundEvent[]) => void sent.push(...structuredClone([...events])) };
}

function setup() {
  const clock = manualClock(new Date().toISOString());
  const queue = memoryQueue();
  const bus: OutboundEvent[] = [];
  const outbox = new DynamoOutbox(core.deps.dynamo.doc, core.deps.env.TABLE_NAME);
  const events = { publishTopUpRequested: async (e: OutboundEvent) => void bus.push(e) };
  // A writer without the port (or one that died right after its write): it records, relays nothing.
  const writer = { ...core.deps, clock };
  const relayer = { ...writer, outbound: queue, outbox, events };
  return { clock, queue, bus, outbox, writer, relayer, read: async (id: string) => (await core.deps.store.getAccount(id))! };
}

afterEach(() => {
  relayFaults.beforeTrim = undefined;
});

describe('event outbox', () => {
  it('given a plan change whose writer died before relaying, when the hourly job runs, then the event is delivered once with its id, the outbox is empty and the account leaves events-due', async () => {
    const { clock, queue, writer, relayer, read } = setup();
    const id = freshAccount('outbox');
    await ensureAccount(writer, id);
    await applyPlan(writer, id, 'pro', clock.now().toISOString());
    const [recorded] = (await read(id)).outbox;
    expect(recorded).toMatchObject({ type: 'credits.reset', data: { accountId: id, plan: 'pro', previousPlan: 'free', allowance: 200 } });
    // Within the grace period a live writer is still expected to relay: the job leaves it.
    expect((await refreshDueAccounts(relayer)).eventsRelayed).toBe(0);
    clock.advance(RELAY_GRACE_SECONDS + 1);
    const run = await refreshDueAccounts(relayer);
    expect(run.eventsRelayed).toBeGreaterThanOrEqual(1);
    expect(queue.sent.filter((e) => e.data.accountId === id)).toEqual([recorded]);
    expect((await read(id)).outbox).toEqual([]);
    // Out of the index: a second run hands on nothing of it.
    await refreshDueAccounts(relayer);
    expect(queue.sent.filter((e) => e.data.accountId === id)).toHaveLength(1);
  });

  it('given a relay that dies between the enqueue and the trim, when the next relay runs, then it sends the same ids again and trims them', async () => {
    const { clock, queue, writer, relayer, read } = setup();
    const id = freshAccount('outbox');
    await ensureAccount(writer, id);
    await applyPlan(writer, id, 'plus', clock.now().toISOString());
    await applyPlan(writer, id, 'pro', new Date(clock.now().getTime() + 1).toISOString());
    const recorded = (await read(id)).outbox;
    expect(recorded.map((e) => e.type)).toEqual(['credits.reset', 'credits.reset']);
    relayFaults.beforeTrim = () => {
      throw new Error('killed');
    };
    await expect(relayOutbox(relayer, await read(id))).rejects.toThrow('killed');
    expect((await read(id)).outbox).toEqual(recorded);
    relayFaults.beforeTrim = undefined;
    expect(await relayOutbox(relayer, await read(id))).toBe(2);
    expect(queue.sent.map((e) => e.id)).toEqual([...recorded, ...recorded].map((e) => e.id));
    expect((await read(id)).outbox).toEqual([]);
  });

  it('given events appended while a relay is in flight, then the relay trims only what it sent, the rest stays due, and the next relay sends it', async () => {
    const { clock, queue, outbox, writer, relayer, read } = setup();
    const id = freshAccount('outbox');
    await ensureAccount(writer, id);
    await applyPlan(writer, id, 'plus', clock.now().toISOString());
    const seen = await read(id);
    // Another change lands between the relay's enqueue and its trim.
    const landed = new Promise<void>((resolve) => (relayFaults.beforeTrim = () => void applyPlan(writer, id, 'pro', new Date(clock.now().getTime() + 1).toISOString()).then(() => resolve())));
    const trimAfterIt = { trim: async (a: string, sent: readonly OutboundEvent[]) => (await landed, outbox.trim(a, sent)), dueAccounts: outbox.dueAccounts.bind(outbox) };
    await relayOutbox({ ...relayer, outbox: trimAfterIt }, seen);
    relayFaults.beforeTrim = undefined;
    const left = (await read(id)).outbox;
    expect(left.map((e) => e.data.plan)).toEqual(['pro']);
    clock.advance(RELAY_GRACE_SECONDS + 1);
    // Still in events-due (its shard's page lists it), so the job would find it.
    expect((await outbox.dueAccounts(clock.now().toISOString(), Number(dueShardOf(id).slice('due#'.length)))).accountIds).toContain(id);
    expect(await relayOutbox(relayer, await read(id))).toBe(1);
    expect(queue.sent.map((e) => e.data.plan)).toEqual(['plus', 'pro']);
    expect((await read(id)).outbox).toEqual([]);
  });

  it('given a topup.requested in the outbox, then the relay also puts it on the bus as TopUpRequested, and a relay without the bus stops before it', async () => {
    const { clock, queue, bus, writer, relayer, read } = setup();
    const id = freshAccount('outbox');
    await ensureAccount(writer, id);
    const requested = outboundEvent(clock.now(), 'topup.requested', id, { topUpId: 'tu_auto_1', packId: 'pack_50' });
    // Another helper's auto top-up passes its events on its own change: the same field.
    expect((await core.deps.store.apply(id, { entries: [], guard: {}, events: [requested] })).ok).toBe(true);
    await applyPlan(writer, id, 'plus', clock.now().toISOString());
    const { events: _bus, ...withoutBus } = relayer;
    expect(await relayOutbox(withoutBus, await read(id))).toBe(0);
    expect((await read(id)).outbox.map((e) => e.type)).toEqual(['topup.requested', 'credits.reset']);
    expect(await relayOutbox(relayer, await read(id))).toBe(2);
    expect(bus.map((e) => e.id)).toEqual([requested.id]);
    expect(queue.sent.map((e) => e.type)).toEqual(['topup.requested', 'credits.reset']);
  });

  it('given 25 concurrent charges on a free account, each followed by its alert decision, then each alert is recorded once; a relay delivers them once and writes each notification once', async () => {
    const { queue, writer, relayer, read } = setup();
    const id = freshAccount('outbox');
    await ensureAccount(writer, id);
    const start = await read(id);
    await Promise.all(
      Array.from({ length: 25 }, async (_, i) => {
        const { account } = await charge(writer, start, 1, { feature: 'product_description', generationId: `gen_${i}` });
        await noticeAlerts(writer, account);
      }),
    );
    const outbox = (await read(id)).outbox;
    expect(outbox.map((e) => `${e.type}${e.data.threshold ?? ''}`).sort()).toEqual(['credits.depleted', 'credits.low_balance0.2', 'credits.low_balance0.5']);
    await relayOutbox(relayer, await read(id));
    expect(queue.sent.map((e) => e.id)).toEqual(outbox.map((e) => e.id));
    const notes = (await core.deps.notifications.list(id, 50)).items;
    expect(notes.map((n) => n.type).sort()).toEqual(['credits_depleted', 'low_balance', 'low_balance']);
    // A grant back over 20%: one recovery, through the same relay.
    const { account } = await grantCredits(writer, id, { amount: 10, reason: 'back', category: 'compensation' });
    await relayOutbox(relayer, await noticeAlerts(writer, account));
    expect(queue.sent.filter((e) => e.type === 'credits.recovered')).toMatchObject([{ data: { threshold: 0.2, available: 10 } }]);
  });

  it('given an alert writer that dies after its transition write, before its notification, when the job relays the outbox, then the notification is written from the event (once)', async () => {
    const { clock, writer, relayer, read } = setup();
    const id = freshAccount('outbox');
    await ensureAccount(writer, id);
    const { account } = await charge(writer, await read(id), 21, { feature: 'product_description', generationId: 'gen_dies' });
    const dying = { ...writer, notifications: { ...core.deps.notifications, add: async () => Promise.reject(new Error('killed')) } };
    await expect(noticeAlerts(dying, account)).rejects.toThrow('killed');
    expect((await read(id)).outbox.map((e) => e.type)).toEqual(['credits.low_balance', 'credits.low_balance']);
    expect((await core.deps.notifications.list(id, 10)).items).toEqual([]);
    clock.advance(RELAY_GRACE_SECONDS + 1);
    await refreshDueAccounts(relayer);
    const notes = (await core.deps.notifications.list(id, 10)).items;
    expect(notes.map((n) => n.threshold).sort()).toEqual([0.2, 0.5]);
    // The writer's own decision is not made again: the transition landed.
    await noticeAlerts(writer, await read(id));
    expect((await read(id)).outbox).toEqual([]);
  });

  describe("through the outbound SQS queue (the local stack's, with the functions' adapter)", () => {
    const saved = { ...process.env };
    beforeAll(() => Object.assign(process.env, LOCAL_ROLE_CREDENTIALS));
    afterAll(() => {
      for (const k of Object.keys(LOCAL_ROLE_CREDENTIALS)) if (saved[k] === undefined) delete process.env[k];
    });
    const consumer: FunctionSpec = { id: 'outbound-consumer', entry: 'unused.ts', access: [], timeoutSeconds: 10, consumes: { queue: 'outbound', batchSize: 10, maxReceiveCount: 3, visibilityTimeoutSeconds: 60, maxConcurrency: 2 } };

    it('given a relay killed after its SendMessageBatch, when the next relay runs, then the consumer receives each event twice with the same message body and id, and nothing stays in the outbox', async () => {
      const received: Array<{ messageId: string; body: string }> = [];
      const queues = new LocalQueues({ log: () => undefined, functions: [consumer], invoke: async (_fn, e) => (received.push(...(e as { Records: Array<{ messageId: string; body: string }> }).Records), { batchItemFailures: [] }) });
      await queues.listen();
      try {
        const { clock, writer, relayer, read } = setup();
        const sqs = { ...relayer, outbound: new SqsOutboundQueue(makeWorkQueue({ AWS_REGION: 'us-east-1', OUTBOUND_QUEUE_URL: queues.url('outbound') }, 'outbound')) };
        const id = freshAccount('outbox');
        await ensureAccount(writer, id);
        await applyPlan(writer, id, 'plus', clock.now().toISOString());
        const recorded = (await read(id)).outbox;
        relayFaults.beforeTrim = () => {
          throw new Error('killed');
        };
        await expect(relayOutbox(sqs, await read(id))).rejects.toThrow('killed');
        relayFaults.beforeTrim = undefined;
        expect(await relayOutbox(sqs, await read(id))).toBe(1);
        queues.start(10);
        await queues.idle();
        expect(received.map((r) => JSON.parse(r.body) as OutboundEvent)).toEqual([...recorded, ...recorded]);
        expect((await read(id)).outbox).toEqual([]);
      } finally {
        await queues.close();
      }
    });
  });
});
