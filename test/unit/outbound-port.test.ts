import { describe, expect, it } from 'vitest';
import { compose } from '../../functions/composition/compose.ts';
import { creditStore } from '../../functions/composition/credit-store.ts';
import { outbound, queueOutbound } from '../../functions/composition/outbound.ts';
import { outboundEvent } from '../../functions/core/outbound.ts';
import type { QueueMessage } from '../../functions/adapters/sqs-queue.ts';

const env = { AWS_REGION: 'us-east-1', LOG_LEVEL: 'SILENT', TABLE_NAME: 'ai-credits-test', OUTBOUND_QUEUE_URL: 'http://127.0.0.1:9/000000000000/outbound' };

describe('the outbound port', () => {
  it('given a function without the port, then deps.outbound and deps.outbox read as undefined (its events wait in the outbox), while another missing port still fails by name', () => {
    const { deps } = compose('reader', [creditStore], [], env);
    expect(deps.outbound).toBeUndefined();
    expect(deps.outbox).toBeUndefined();
    expect('outbound' in deps).toBe(false);
    expect(() => deps.events).toThrow(/no port provides deps.events/);
  });

  it('given a function with the port, then it reads the queue URL and the table at cold start and provides the queue and the outbox', () => {
    const c = compose('writer', [creditStore, outbound], [], env);
    expect(c.envKeys).toEqual(expect.arrayContaining(['OUTBOUND_QUEUE_URL', 'TABLE_NAME']));
    expect(typeof c.deps.outbound?.enqueue).toBe('function');
    expect(typeof c.deps.outbox?.trim).toBe('function');
    expect(() => compose('writer', [creditStore, outbound], [], { ...env, OUTBOUND_QUEUE_URL: undefined })).toThrow(/OUTBOUND_QUEUE_URL/);
  });

  it('given events, then the queue gets one message per event, its id the event id and its body the event', async () => {
    const sent: QueueMessage[] = [];
    const q = queueOutbound({ send: async (m) => void sent.push(...m) });
    const events = [outboundEvent(new Date(), 'credits.reset', 'acct_1', { plan: 'pro' }), outboundEvent(new Date(), 'credits.low_balance', 'acct_1', { threshold: 0.5 })];
    await q.enqueue(events);
    expect(sent).toEqual(events.map((e) => ({ id: e.id, body: JSON.stringify(e) })));
    expect(sent.every((m) => /^[A-Za-z0-9_-]{1,80}$/.test(m.id))).toBe(true);
  });
});
