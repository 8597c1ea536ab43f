/**
 * The billing webhook endpoint over real HTTP: signature (checked over the raw body, on the service
 * clock, with rotation), validation, and that a refused delivery publishes nothing.
 */
import { describe, expect, it } from 'vitest';
import { sign, signatureHeader } from '../../functions/core/webhook-signature.ts';
import { billingEvent, deliver, deliverRaw, serviceNow, WEBHOOK } from '../support/billing.ts';
import { call, freshAccount, useStack } from '../support/stack.ts';

const CURRENT = 'current-webhook-secret';
const PREVIOUS = 'previous-webhook-secret';
// Rotated an hour ago: the previous secrets verify for the default 24 h after that, then no more.
const ROTATED_AT = new Date(Date.now() - 3600_000);
const ctx = useStack({
  env: { LOG_LEVEL: 'SILENT', WEBHOOK_SECRET: CURRENT, WEBHOOK_SECRETS_PREVIOUS: `${PREVIOUS}, older-secret`, WEBHOOK_SECRET_ROTATED_AT: ROTATED_AT.toISOString() },
});

/** Whether the bus applied anything for the account: admin routes never create accounts, so 404 = untouched. */
async function accountExists(accountId: string): Promise<boolean> {
  await ctx.stack.bus.drain();
  const admin = await ctx.api('ops', ['credits:admin']);
  const r = await admin.get(`/v1/admin/accounts/${accountId}/credits`);
  return r.status === 200;
}

const now = async () => Math.floor((await serviceNow(ctx.stack)).getTime() / 1000);

describe('POST /v1/webhooks/subscriptions: signature', () => {
  it('given an account.created signed with the current secret, when delivered, then 202 {received:true} and the account is provisioned', async () => {
    const accountId = freshAccount();
    const r = await deliver(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId }), { secret: CURRENT });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ received: true });
    expect(await accountExists(accountId)).toBe(true);
  });

  it('given a signature made with a wrong secret, then 401 INVALID_SIGNATURE and nothing is published', async () => {
    const accountId = freshAccount();
    const r = await deliver(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId }), { secret: 'not-the-secret' });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('INVALID_SIGNATURE');
    expect(await accountExists(accountId)).toBe(false);
  });

  it('given no Webhook-Signature header, then 401 INVALID_SIGNATURE and nothing is published', async () => {
    const accountId = freshAccount();
    const r = await deliver(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId }), { header: null });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('INVALID_SIGNATURE');
    expect(await accountExists(accountId)).toBe(false);
  });

  it('given a header that is not t=…,v1=…, then 401', async () => {
    const accountId = freshAccount();
    for (const header of ['garbage', `v1=${'a'.repeat(64)}`, `t=${await now()}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${await now()},v1=xyz`]) {
      const r = await deliver(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId }), { header });
      expect(r.status, header).toBe(401);
    }
    expect(await accountExists(accountId)).toBe(false);
  });

  it('given a body changed after signing (one byte), then 401 and nothing is published', async () => {
    const accountId = freshAccount();
    const raw = JSON.stringify(await billingEvent(ctx.stack, 'account.created', { accountId }));
    const t = await now();
    const r = await deliverRaw(ctx.stack, raw.replace('"account.created"', '"account.created" '), { header: signatureHeader(CURRENT, t, raw) });
    expect(r.status).toBe(401);
    expect(await accountExists(accountId)).toBe(false);
  });

  it('given the signature is checked over the raw body, when the same JSON is re-serialised differently, then it no longer verifies', async () => {
    const accountId = freshAccount();
    const event = await billingEvent(ctx.stack, 'account.created', { accountId });
    const signedRaw = JSON.stringify(event);
    const t = await now();
    const pretty = JSON.stringify(event, null, 2);
    expect((await deliverRaw(ctx.stack, pretty, { header: signatureHeader(CURRENT, t, signedRaw) })).status).toBe(401);
    expect((await deliverRaw(ctx.stack, pretty, { header: signatureHeader(CURRENT, t, pretty) })).status).toBe(202);
  });

  it('given t older than 300 s (or further than 300 s ahead), then 401; within 300 s, 202', async () => {
    const accountId = freshAccount();
    const event = await billingEvent(ctx.stack, 'account.created', { accountId });
    const t = await now();
    expect((await deliver(ctx.stack, event, { secret: CURRENT, t: t - 330 })).status).toBe(401);
    expect((await deliver(ctx.stack, event, { secret: CURRENT, t: t + 330 })).status).toBe(401);
    expect(await accountExists(accountId)).toBe(false);
    expect((await deliver(ctx.stack, event, { secret: CURRENT, t: t - 270 })).status).toBe(202);
    expect(await accountExists(accountId)).toBe(true);
  });

  it('given the service clock moved an hour ahead, then a signature stamped with real time is stale and one stamped with service time is accepted', async () => {
    await call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds: 3600 }) });
    try {
      const accountId = freshAccount();
      const event = await billingEvent(ctx.stack, 'account.created', { accountId });
      expect((await deliver(ctx.stack, event, { secret: CURRENT, t: Math.floor(Date.now() / 1000) })).status).toBe(401);
      expect((await deliver(ctx.stack, event, { secret: CURRENT, t: await now() })).status).toBe(202);
    } finally {
      await call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds: 0 }) });
    }
  });

  it('given a rotation, when signed with a previous secret (WEBHOOK_SECRETS_PREVIOUS), then 202', async () => {
    for (const secret of [PREVIOUS, 'older-secret']) {
      const accountId = freshAccount();
      const r = await deliver(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId }), { secret });
      expect(r.status, secret).toBe(202);
      expect(await accountExists(accountId)).toBe(true);
    }
  });

  it('given a rotation 1 h ago, when the service clock passes rotation + 24 h, then the previous secrets are refused (401) and the current one still verifies', async () => {
    const setClock = (offsetSeconds: number) =>
      call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
    try {
      // 22 h after the rotation: still inside the 24 h.
      await setClock(21 * 3600);
      const early = freshAccount();
      expect((await deliver(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId: early }), { secret: PREVIOUS, t: await now() })).status).toBe(202);
      // 24 h and a minute after it.
      await setClock(23 * 3600 + 60);
      for (const secret of [PREVIOUS, 'older-secret']) {
        const accountId = freshAccount();
        const r = await deliver(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId }), { secret, t: await now() });
        expect(r.status, secret).toBe(401);
        expect(r.body.error.code).toBe('INVALID_SIGNATURE');
        expect(await accountExists(accountId)).toBe(false);
      }
      const accountId = freshAccount();
      expect((await deliver(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId }), { secret: CURRENT, t: await now() })).status).toBe(202);
    } finally {
      await setClock(0);
    }
  });

  it('given several v1 values (the sender signs with old and new secrets during a rotation), when one matches, then 202; when none does, 401', async () => {
    const accountId = freshAccount();
    const raw = JSON.stringify(await billingEvent(ctx.stack, 'account.created', { accountId }));
    const t = await now();
    const wrong = `v1=${sign('unknown-secret', t, raw)}`;
    expect((await deliverRaw(ctx.stack, raw, { header: `t=${t},${wrong},v1=${sign('another', t, raw)}` })).status).toBe(401);
    expect(await accountExists(accountId)).toBe(false);
    expect((await deliverRaw(ctx.stack, raw, { header: `t=${t},${wrong},v1=${sign(CURRENT, t, raw)}` })).status).toBe(202);
    expect(await accountExists(accountId)).toBe(true);
  });
});

describe('POST /v1/webhooks/subscriptions: validation', () => {
  it('given a correctly signed body that is not JSON, then 400 VALIDATION_FAILED', async () => {
    const r = await deliverRaw(ctx.stack, '{"id": "evt_1", ', { secret: CURRENT });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('given a badly signed body that is not JSON, then 401 (the signature is checked before parsing)', async () => {
    const r = await deliverRaw(ctx.stack, '{"id": "evt_1", ', { secret: 'wrong' });
    expect(r.status).toBe(401);
  });

  it('given known types with malformed bodies, then 400 with the offending paths, and nothing is published', async () => {
    const accountId = freshAccount();
    const at = (await serviceNow(ctx.stack)).toISOString();
    const cases: Array<[unknown, string]> = [
      [{ id: 'evt_a1', type: 'account.created', createdAt: at, data: {} }, 'data.accountId'],
      [{ id: 'evt_a2', type: 'subscription.updated', createdAt: at, data: { accountId } }, 'data.plan'],
      [{ id: 'evt_a3', type: 'subscription.updated', createdAt: at, data: { accountId, plan: 'gold' } }, 'data.plan'],
      [{ id: 'evt_a4', type: 'subscription.updated', createdAt: 'yesterday', data: { accountId, plan: 'pro' } }, 'createdAt'],
      [{ type: 'subscription.updated', createdAt: at, data: { accountId, plan: 'pro' } }, 'id'],
      [{ id: 'evt_a6', type: 'topup.paid', createdAt: at, data: { accountId } }, 'data.topUpId'],
      [{ id: 'evt_a7', type: 'subscription.canceled', createdAt: at }, 'data'],
      [{ id: 'evt_a8', type: 'account.created', createdAt: at, data: { accountId: 'has spaces' } }, 'data.accountId'],
    ];
    for (const [body, path] of cases) {
      const r = await deliverRaw(ctx.stack, JSON.stringify(body), { secret: CURRENT });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    expect(await accountExists(accountId)).toBe(false);
  });

  it('given a well-formed event of an unknown type, then 202 and it is ignored', async () => {
    const accountId = freshAccount();
    const r = await deliver(ctx.stack, await billingEvent(ctx.stack, 'invoice.finalized', { accountId, amount: 12 }), { secret: CURRENT });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ received: true, ignored: true });
    expect(await accountExists(accountId)).toBe(false);
  });

  it('given a known type with extra fields the billing system added, then 202 (extra fields are tolerated)', async () => {
    const accountId = freshAccount();
    const r = await deliver(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId, region: 'eu' }), { secret: CURRENT });
    expect(r.status).toBe(202);
    expect(await accountExists(accountId)).toBe(true);
  });

  it('given a body over 64 KB, then 413', async () => {
    const accountId = freshAccount();
    const r = await deliver(ctx.stack, await billingEvent(ctx.stack, 'account.created', { accountId, pad: 'x'.repeat(70_000) }), { secret: CURRENT });
    expect(r.status).toBe(413);
  });

  it('given a GET on the webhook path, then it is not a route (405)', async () => {
    const r = await call(`${ctx.stack.url}${WEBHOOK}`, { method: 'GET' });
    expect(r.status).toBe(405);
  });

  it('leaves nothing in the bus dead-letter list', () => {
    expect(ctx.stack.bus.deadLetters).toEqual([]);
  });
});
