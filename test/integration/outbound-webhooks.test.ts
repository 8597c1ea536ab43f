/**
 * Outbound webhooks end to end on the local stack: endpoints registered over HTTP (admin), events handed
 * to the outbound queue adapter the outbox relay calls, the webhook-deliver consumer POSTing them to real
 * receivers on 127.0.0.1, signed with each endpoint's secret; retries on the service clock, the deliveries
 * log, the registry's cap under a race, and the URL refusals of registration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../functions/config.ts';
import { makeWorkQueue } from '../../functions/adapters/sqs-queue.ts';
import { FUNCTIONS } from '../../lib/wiring.ts';
import { SERVICE_NAME } from '../../functions/observability/metrics.ts';
import { serviceClock, epochSeconds } from '../../functions/core/clock.ts';
import { verify } from '../../functions/core/webhook-signature.ts';
import { call, freshAccount, useStack, type Api } from '../support/stack.ts';
import { outboundQueueOf, sampleEvent, startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const ctx = useStack();
const PATH = '/v1/admin/webhook-endpoints';

async function setClock(offsetSeconds: number): Promise<void> {
  const r = await call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
  expect(r.status).toBe(200);
}

const receivers: Receiver[] = [];
async function receiver(statuses?: number[]): Promise<Receiver> {
  const r = await startReceiver(statuses);
  receivers.push(r);
  return r;
}

/** A metric's running total on the local stack (`GET /local/metrics`), with exactly these dimensions besides `service`. */
async function metric(name: string, dims: Record<string, string> = {}): Promise<number> {
  const want = JSON.stringify(Object.fromEntries(Object.entries({ service: SERVICE_NAME, ...dims }).sort()));
  const r = await call(`${ctx.stack.url}/local/metrics`, {});
  return (r.body.metrics as Array<{ name: string; dimensions: unknown; value: number }>).find((m) => m.name === name && JSON.stringify(m.dimensions) === want)?.value ?? 0;
}

const admin = (): Promise<Api> => ctx.api(freshAccount('admin'), ['credits:admin']);

/** Endpoints are platform-wide: each test starts from an empty registry. */
afterEach(async () => {
  const api = await admin();
  for (const e of (await api.get(PATH)).body.items) expect((await api.del(`${PATH}/${e.id}`)).status).toBe(200);
  await ctx.stack.queues.idle('outbound');
  await setClock(0);
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('outbound webhooks', () => {
  it('given an endpoint subscribed to low_balance, when the event is enqueued, then it receives the event JSON once, signed so that its secret verifies it; another type and another subscriber are not mixed up', async () => {
    const api = await admin();
    const low = await receiver();
    const other = await receiver();
    const created = await api.post(PATH, { url: low.url, events: ['credits.low_balance'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: low.url, events: ['credits.low_balance'] });
    expect(created.body.id).toMatch(/^whe_/);
    expect(created.body.secret).toMatch(/^whsec_/);
    const otherEp = await api.post(PATH, { url: other.url, events: ['topup.completed'] });
    expect(otherEp.status).toBe(201);

    const event = sampleEvent('credits.low_balance');
    await outboundQueueOf(ctx.stack).enqueue([event]);
    await expect.poll(() => low.received.length).toBe(1);
    await ctx.stack.queues.idle('outbound');
    // Once: nothing more arrives after the queue went idle.
    expect(low.received).toHaveLength(1);

    const [got] = low.received;
    expect(JSON.parse(got!.body)).toEqual(event);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['webhook-id']).toBe(event.id);
    // Signed exactly like incoming billing webhooks: the receiver's check with its secret passes...
    expect(() => verify(String(got!.headers['webhook-signature']), got!.body, [created.body.secret], epochSeconds(serviceClock.now()))).not.toThrow();
    // ...and fails with another endpoint's secret or a changed body.
    expect(() => verify(String(got!.headers['webhook-signature']), got!.body, [otherEp.body.secret], epochSeconds(serviceClock.now()))).toThrow(/does not match/);
    expect(() => verify(String(got!.headers['webhook-signature']), got!.body.replace('0.2', '0.5'), [created.body.secret], epochSeconds(serviceClock.now()))).toThrow(/does not match/);
    expect(other.received).toHaveLength(0);

    // The list never shows a secret.
    const list = await api.get(PATH);
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([created.body.id, otherEp.body.id]);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');

    const log = await api.get(`${PATH}/${created.body.id}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.body).toEqual({ items: [{ eventId: event.id, type: 'credits.low_balance', statusCode: 200, attempt: 1, at: expect.any(String) }], nextCursor: null });
  });

  it('given a receiver that fails once and another that succeeds, when the clock passes the backoff, then the failing one gets the same event id again and succeeds, the other is not delivered to twice, and the log lists both attempts', async () => {
    const api = await admin();
    const flaky = await receiver([500, 200]);
    const steady = await receiver([200]);
    const a = (await api.post(PATH, { url: flaky.url, events: ['credits.depleted'] })).body;
    const b = (await api.post(PATH, { url: steady.url, events: ['credits.depleted'] })).body;
    const event = sampleEvent('credits.depleted');
    const [delivered, failed] = [await metric('WebhookDelivered'), await metric('WebhookAttemptFailed', { reason: 'status' })];
    await outboundQueueOf(ctx.stack).enqueue([event]);
    await expect.poll(() => flaky.received.length + steady.received.length).toBe(2);
    await ctx.stack.queues.idle('outbound');
    // The retry waits for the backoff (60 s and up to 10% more): nothing happens before the clock moves.
    expect(ctx.stack.queues.depth('outbound')).toBe(1);
    expect(flaky.received).toHaveLength(1);

    await setClock(LIMITS.webhookRetryBaseSeconds * 1.1 + 5);
    await expect.poll(() => flaky.received.length).toBe(2);
    await ctx.stack.queues.idle('outbound');
    expect(flaky.ids()).toEqual([event.id, event.id]);
    expect(steady.ids()).toEqual([event.id]);
    expect(ctx.stack.queues.depth('outbound')).toBe(0);
    // Counted as attempts: two delivered, one failed for its status.
    await expect.poll(() => metric('WebhookDelivered')).toBe(delivered + 2);
    await expect.poll(() => metric('WebhookAttemptFailed', { reason: 'status' })).toBe(failed + 1);

    const log = (await api.get(`${PATH}/${a.id}/deliveries`)).body.items;
    expect(log.map((d: { statusCode: number; attempt: number }) => [d.statusCode, d.attempt])).toEqual([
      [200, 2],
      [500, 1],
    ]);
    expect((await api.get(`${PATH}/${b.id}/deliveries`)).body.items.map((d: { attempt: number }) => d.attempt)).toEqual([1]);
  });

  it('given a failed attempt whose endpoint is then removed, when the retry falls due, then nothing more is sent to it', async () => {
    const api = await admin();
    const down = await receiver([503]);
    const ep = (await api.post(PATH, { url: down.url, events: ['topup.completed'] })).body;
    await outboundQueueOf(ctx.stack).enqueue([sampleEvent('topup.completed')]);
    await expect.poll(() => down.received.length).toBe(1);
    await ctx.stack.queues.idle('outbound');
    const removed = await api.del(`${PATH}/${ep.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ id: ep.id, url: down.url, events: ['topup.completed'], createdAt: ep.createdAt });
    await setClock(LIMITS.webhookRetryBaseSeconds * 2);
    await ctx.stack.queues.idle('outbound');
    expect(ctx.stack.queues.depth('outbound')).toBe(0);
    expect(down.received).toHaveLength(1);
    expect((await api.del(`${PATH}/${ep.id}`)).status).toBe(404);
    expect((await api.get(`${PATH}/${ep.id}/deliveries`)).status).toBe(404);
  });

  it('given a deliveries log of five attempts, then pages of two follow the cursor newest first (2, 2, 1) with each attempt once, and a cursor the API did not issue is a 400', async () => {
    const api = await admin();
    const r = await receiver();
    const ep = (await api.post(PATH, { url: r.url, events: ['credits.reset'] })).body;
    const events = [0, 1, 2, 3, 4].map((i) => sampleEvent('credits.reset', new Date(Date.now() + i)));
    await outboundQueueOf(ctx.stack).enqueue(events);
    await expect.poll(() => r.received.length).toBe(5);
    await ctx.stack.queues.idle('outbound');
    const pages: Array<Array<{ eventId: string; at: string }>> = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ eventId: string; at: string }>; nextCursor: string | null } } = await api.get(`${PATH}/${ep.id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const all = pages.flat();
    expect(new Set(all.map((d) => d.eventId))).toEqual(new Set(events.map((e) => e.id)));
    expect(all.map((d) => d.at)).toEqual([...all.map((d) => d.at)].sort().reverse());
    const bad = await api.get(`${PATH}/${ep.id}/deliveries?cursor=bm9wZQ`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('given a message that is no event, then the consumer reports it failed each time it is received, and after maxReceiveCount it waits in the dead-letter queue', async () => {
    const spec = FUNCTIONS.find((f) => f.id === 'webhook-deliver')!.consumes!;
    const before = ctx.stack.queues.deadLetters.length;
    outboundQueueOf(ctx.stack);
    await makeWorkQueue({ AWS_REGION: 'us-east-1', OUTBOUND_QUEUE_URL: ctx.stack.queues.url('outbound') }, 'outbound').send([{ id: 'junk', body: '{"not":"an event"}' }]);
    for (let i = 1; i <= spec.maxReceiveCount; i++) {
      await ctx.stack.queues.idle('outbound');
      await setClock(i * (spec.visibilityTimeoutSeconds + 1));
    }
    await ctx.stack.queues.idle('outbound');
    expect(ctx.stack.queues.deadLetters.slice(before).map((m) => [m.body, m.receiveCount])).toEqual([['{"not":"an event"}', spec.maxReceiveCount]]);
    expect(ctx.stack.queues.depth('outbound')).toBe(0);
  });

  it(`given ${LIMITS.maxWebhookEndpoints + 10} registrations at once, then exactly ${LIMITS.maxWebhookEndpoints} are registered and the rest answer 409 LIMIT_REACHED; removing one makes room for one`, async () => {
    const api = await admin();
    const n = LIMITS.maxWebhookEndpoints + 10;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => api.post(PATH, { url: `http://127.0.0.1:9/hook-${i}`, events: ['credits.expired'] })));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(LIMITS.maxWebhookEndpoints);
    const refused = answers.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect(r.body.error).toMatchObject({ code: 'LIMIT_REACHED', limit: LIMITS.maxWebhookEndpoints });
    const list = (await api.get(PATH)).body.items;
    expect(list).toHaveLength(LIMITS.maxWebhookEndpoints);
    expect((await api.post(PATH, { url: 'http://127.0.0.1:9/one-more', events: ['credits.expired'] })).status).toBe(409);
    expect((await api.del(`${PATH}/${list[0].id}`)).status).toBe(200);
    expect((await api.post(PATH, { url: 'http://127.0.0.1:9/one-more', events: ['credits.expired'] })).status).toBe(201);
  });

  it.each([
    ['http to a public host', 'http://example.com/hook', /https/],
    ['http to localhost by name', 'http://localhost:8080/hook', /https/],
    ['a private address', 'https://10.0.0.7/hook', /private/],
    ['the instance metadata address', 'https://169.254.169.254/latest/meta-data', /linkLocal/],
    ['IPv6 loopback', 'https://[::1]:8443/hook', /loopback/],
    ['an IPv4-mapped private address', 'https://[::ffff:192.168.1.10]/hook', /private/],
    ['carrier-grade NAT', 'https://100.64.0.1/hook', /carrierGradeNat/],
    ['credentials in the URL', 'http://user:pw@127.0.0.1:9/hook', /credentials/],
    ['another scheme', 'ftp://127.0.0.1/hook', /https/],
    ['not a URL', 'hooks.example.com', /absolute URL/],
  ])('given %s, when it is registered, then 400 VALIDATION_FAILED saying why, and nothing is registered', async (_what, url, why) => {
    const api = await admin();
    const r = await api.post(PATH, { url, events: ['credits.low_balance'] });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.issues).toEqual([{ path: 'body.url', message: expect.stringMatching(why) }]);
    expect((await api.get(PATH)).body.items).toEqual([]);
  });

  it('given bad bodies and callers, then the contract refusals: unknown event type or none 400, no admin scope 403, no token 401', async () => {
    const api = await admin();
    const r = await receiver();
    expect((await api.post(PATH, { url: r.url, events: ['credits.nope'] })).status).toBe(400);
    expect((await api.post(PATH, { url: r.url, events: [] })).status).toBe(400);
    expect((await api.post(PATH, { url: r.url, events: ['credits.low_balance'], extra: 1 })).status).toBe(400);
    const merchant = await ctx.api(freshAccount('merchant'));
    for (const res of [await merchant.post(PATH, { url: r.url, events: ['credits.low_balance'] }), await merchant.get(PATH), await merchant.del(`${PATH}/whe_x`), await merchant.get(`${PATH}/whe_x/deliveries`)]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect((await (await ctx.api()).get(PATH)).status).toBe(401);
    expect((await api.get(PATH)).body.items).toEqual([]);
  });
});
