/**
 * The delivery use case with in-memory fakes and a clock of its own: fan-out by event type, retries only
 * to the endpoints that failed, exponential backoff capped at an hour, waits past SQS's 15-minute delay
 * carried by `notBefore`, one last attempt at 24 h and then given up.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../functions/config.ts';
import type { OutboundEvent } from '../../functions/core/outbound.ts';
import { backoffSeconds, deliverMessage, type DeliveryDeps, type DeliveryMessage, type PostResult } from '../../functions/core/webhook-delivery.ts';
import type { DeliveryAttempt, WebhookEndpoint } from '../../functions/core/webhooks.ts';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const event: OutboundEvent = { id: 'evt_1', type: 'credits.depleted', createdAt: new Date(T0).toISOString(), data: { accountId: 'acct_1' } };
const ep = (id: string, events: WebhookEndpoint['events'] = ['credits.depleted']): WebhookEndpoint => ({ id, url: `https://${id}.example.test/`, events, createdAt: new Date(T0).toISOString() });

function harness(answer: (url: string) => PostResult) {
  let now = T0;
  const posts: string[] = [];
  const logged: Array<DeliveryAttempt & { endpointId: string }> = [];
  const queued: Array<{ body: DeliveryMessage; delaySeconds: number }> = [];
  const deps: DeliveryDeps = {
    clock: { now: () => new Date(now) },
    signingKey: async () => 'k'.repeat(32),
    webhookSender: { post: async (url) => (posts.push(url), answer(url)) },
    deliveryQueue: { send: async (m) => void queued.push(...m) },
    webhooks: {
      add: async () => true,
      remove: async () => true,
      list: async () => [],
      attempts: async () => ({ items: [], nextCursor: null }),
      logAttempt: async (endpointId, a) => void logged.push({ endpointId, ...a }),
    },
  };
  return { deps, posts, logged, queued, at: (ms: number) => (now = ms), now: () => now };
}

describe('webhook delivery', () => {
  it('given three endpoints of which two subscribe to the type and one of those fails, then both are posted once and only the failing one gets a retry message', async () => {
    const h = harness((url) => (url.includes('bad') ? { ok: false, statusCode: 500, reason: 'status' } : { ok: true, statusCode: 204 }));
    const out = await deliverMessage(h.deps, { event }, [ep('good'), ep('bad'), ep('other', ['topup.completed'])]);
    expect(h.posts.sort()).toEqual(['https://bad.example.test/', 'https://good.example.test/']);
    expect(out.map((o) => o.kind).sort()).toEqual(['delivered', 'retrying']);
    expect(h.queued).toHaveLength(1);
    expect(h.queued[0]!.body).toMatchObject({ event, endpointId: 'bad', attempt: 2, firstAt: new Date(T0).toISOString() });
    expect(h.queued[0]!.delaySeconds).toBeGreaterThanOrEqual(LIMITS.webhookRetryBaseSeconds);
    expect(h.logged.map((l) => [l.endpointId, l.statusCode, l.attempt]).sort()).toEqual([
      ['bad', 500, 1],
      ['good', 204, 1],
    ]);
  });

  it('backoff doubles from the base and stops growing at the cap', () => {
    const none = () => 0;
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n, none))).toEqual([60, 120, 240, 480]);
    expect(backoffSeconds(30, none)).toBe(LIMITS.webhookRetryCapSeconds);
    expect(backoffSeconds(1, () => 0.999)).toBeLessThanOrEqual(66);
  });

  it('given an endpoint that always fails, when every message is run as it falls due, then attempts follow the backoff, the last is at 24 h after the first, and then it is given up', async () => {
    const h = harness(() => ({ ok: false, statusCode: null, reason: 'timeout' }));
    const endpoints = [ep('down')];
    let message: DeliveryMessage | undefined = { event };
    let last: Awaited<ReturnType<typeof deliverMessage>> = [];
    let runs = 0;
    let longest = 0;
    while (message && runs++ < 500) {
      h.queued.length = 0;
      last = await deliverMessage(h.deps, message, endpoints);
      const next = h.queued[0];
      // SQS receives it once its delay is over; a longer backoff comes back early and is re-sent.
      if (next) h.at(h.now() + next.delaySeconds * 1000);
      longest = Math.max(longest, next?.delaySeconds ?? 0);
      message = next?.body;
    }
    expect(last).toEqual([{ kind: 'given_up', endpointId: 'down', eventId: 'evt_1', attempt: h.logged.length, reason: 'timeout', statusCode: null }]);
    const times = h.logged.map((l) => Date.parse(l.at) - T0);
    expect(times[0]).toBe(0);
    expect(times.at(-1)).toBe(LIMITS.webhookRetryWindowSeconds * 1000);
    const gaps = times.slice(1).map((t, i) => (t - times[i]!) / 1000);
    expect(gaps[0]).toBeGreaterThanOrEqual(60);
    expect(gaps[1]).toBeGreaterThanOrEqual(120);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(LIMITS.webhookRetryCapSeconds * 1.1 + 1);
    expect(h.logged.every((l) => l.eventId === 'evt_1' && l.statusCode === null)).toBe(true);
    // Every delay handed to SQS is within its 900 s limit.
    expect(longest).toBe(900);
    expect(h.logged.length).toBeGreaterThan(20);
    expect(h.logged.length).toBeLessThan(40);
  });

  it('given a retry received before its notBefore, then it is re-sent with the rest of the wait and nothing is posted', async () => {
    const h = harness(() => ({ ok: true, statusCode: 200 }));
    const notBefore = new Date(T0 + 3000 * 1000).toISOString();
    const out = await deliverMessage(h.deps, { event, endpointId: 'x', attempt: 7, firstAt: new Date(T0).toISOString(), notBefore }, [ep('x')]);
    expect(out).toEqual([{ kind: 'deferred', eventId: 'evt_1' }]);
    expect(h.posts).toEqual([]);
    expect(h.queued).toEqual([{ body: expect.objectContaining({ notBefore, attempt: 7 }), delaySeconds: 900 }]);
  });

  it('given a retry for an endpoint no longer registered, then it is dropped without a post', async () => {
    const h = harness(() => ({ ok: true, statusCode: 200 }));
    expect(await deliverMessage(h.deps, { event, endpointId: 'gone', attempt: 2, firstAt: new Date(T0).toISOString() }, [ep('x')])).toEqual([{ kind: 'dropped', endpointId: 'gone', eventId: 'evt_1' }]);
    expect(h.posts).toEqual([]);
  });

  it('given the retry queue refuses, then the message fails (SQS brings it back) rather than losing the retry', async () => {
    const h = harness(() => ({ ok: false, statusCode: 502, reason: 'status' }));
    h.deps.deliveryQueue.send = async () => {
      throw new Error('throttled');
    };
    await expect(deliverMessage(h.deps, { event }, [ep('x')])).rejects.toThrow(/throttled/);
  });
});
