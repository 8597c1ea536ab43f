/**
 * POST /v1/admin/accounts/{accountId}/grants as an operator's tooling calls it, and what the merchant then
 * sees on GET /v1/credits and the ledger: the grant as a source of its own, spent in burn-down order, and
 * expired once (the stack's clock is moved with /local/clock).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../functions/config.ts';
import { call, freshAccount, useStack, type Api } from '../support/stack.ts';

const ctx = useStack();
const DAY = 86_400;

async function setClock(offsetSeconds: number): Promise<void> {
  const r = await call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
  expect(r.status).toBe(200);
}
afterEach(() => setClock(0));

let n = 0;
const key = () => ({ 'idempotency-key': `grant-${process.pid}-${Date.now()}-${++n}` });
const inDays = (days: number) => new Date(Date.now() + days * DAY * 1000).toISOString();

async function merchantAndAdmin(): Promise<{ id: string; merchant: Api; admin: Api }> {
  const id = freshAccount('grant');
  const merchant = await ctx.api(id);
  expect((await merchant.get('/v1/credits')).status).toBe(200);
  return { id, merchant, admin: await ctx.api(freshAccount('admin'), ['credits:admin']) };
}

describe('POST /v1/admin/accounts/{accountId}/grants', () => {
  it('given an admin, when it grants expiring promotional credits, then 201 with the grant and the credits, and the merchant sees the grant as a source and a grant entry naming it', async () => {
    const { id, merchant, admin } = await merchantAndAdmin();
    const expiresAt = inDays(10);
    const r = await admin.post(`/v1/admin/accounts/${id}/grants`, { amount: 15, reason: 'launch promo', category: 'promotional', expiresAt }, key());
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ amount: 15, remaining: 15, category: 'promotional', expiresAt });
    expect(r.body.id).toMatch(/^grt_/);
    expect(r.body.credits.credits).toEqual({ available: 40, allowance: 25, allowanceRemaining: 25, purchased: 0, grants: 15 });

    const view = (await merchant.get('/v1/credits')).body;
    expect(view.credits.available).toBe(40);
    expect(view.sources).toEqual([
      { bucket: 'allowance', remaining: 25, expiresAt: view.period.end },
      { bucket: 'grant', id: r.body.id, remaining: 15, expiresAt, category: 'promotional' },
    ]);
    const ledger = (await merchant.get('/v1/credits/ledger')).body.items;
    expect(ledger[0]).toMatchObject({ type: 'grant', amount: 15, bucket: 'grant', grantId: r.body.id, reason: 'launch promo', balanceAfter: 40 });
  });

  it('given an offset in expiresAt, then it is stored and answered as the same instant in UTC', async () => {
    const { id, admin } = await merchantAndAdmin();
    const local = new Date(Date.now() + 5 * DAY * 1000);
    const withOffset = new Date(local.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    const r = await admin.post(`/v1/admin/accounts/${id}/grants`, { amount: 3, reason: 'r', category: 'compensation', expiresAt: withOffset }, key());
    expect(r.status).toBe(201);
    expect(r.body.expiresAt).toBe(local.toISOString());
  });

  it('given the same idempotency key twice, then one grant and the same answer', async () => {
    const { id, merchant, admin } = await merchantAndAdmin();
    const k = key();
    const body = { amount: 7, reason: 'once', category: 'compensation' };
    const [a, b] = await Promise.all([admin.post(`/v1/admin/accounts/${id}/grants`, body, k), admin.post(`/v1/admin/accounts/${id}/grants`, body, k)]);
    const statuses = [a.status, b.status].sort();
    // Concurrent duplicates: one is applied, the other answers its result or 409 IN_PROGRESS, never a second grant.
    expect(statuses[0]).toBe(201);
    const again = await admin.post(`/v1/admin/accounts/${id}/grants`, body, k);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(a.status === 201 ? a.body.id : b.body.id);
    expect((await merchant.get('/v1/credits')).body.credits).toMatchObject({ available: 32, grants: 7 });
  });

  it('given bad bodies, then 400 VALIDATION_FAILED naming the field, and nothing changes', async () => {
    const { id, merchant, admin } = await merchantAndAdmin();
    const ok = { amount: 5, reason: 'x', category: 'promotional' };
    const cases: Array<[unknown, string]> = [
      [{ ...ok, amount: 0 }, 'amount'],
      [{ ...ok, amount: 100_001 }, 'amount'],
      [{ ...ok, amount: 1.5 }, 'amount'],
      [{ ...ok, amount: '5' }, 'amount'],
      [{ ...ok, category: 'gift' }, 'category'],
      [{ ...ok, reason: '' }, 'reason'],
      [{ ...ok, expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ ...ok, expiresAt: new Date(Date.now() - 1000).toISOString() }, 'expiresAt'],
      [{ ...ok, extra: 1 }, 'extra'],
      [{ amount: 5, reason: 'x' }, 'category'],
    ];
    for (const [body, path] of cases) {
      const r = await admin.post(`/v1/admin/accounts/${id}/grants`, body, key());
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.issues.map((i: { path: string; message: string }) => `${i.path} ${i.message}`).join(' '), JSON.stringify(body)).toContain(path);
    }
    const view = (await merchant.get('/v1/credits')).body;
    expect(view.credits.available).toBe(25);
    expect(view.sources).toHaveLength(1);
  });

  it('given a merchant token, then 403 FORBIDDEN; given an unknown account, then 404 and no account is created', async () => {
    const { id, merchant, admin } = await merchantAndAdmin();
    const body = { amount: 5, reason: 'x', category: 'promotional' };
    const forbidden = await merchant.post(`/v1/admin/accounts/${id}/grants`, body, key());
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    const ghost = freshAccount('ghost');
    const missing = await admin.post(`/v1/admin/accounts/${ghost}/grants`, body, key());
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    expect((await admin.get(`/v1/admin/accounts/${ghost}/credits`)).status).toBe(404);
    expect((await merchant.get('/v1/credits')).body.credits.available).toBe(25);
  });

  it(`given ${LIMITS.maxActiveGrants} grants in use, when one more is asked (even in parallel), then 409 LIMIT_REACHED with the limit, and the count never passes it`, async () => {
    const { id, merchant, admin } = await merchantAndAdmin();
    const body = { amount: 1, reason: 'many', category: 'promotional' };
    const results = await Promise.all(Array.from({ length: LIMITS.maxActiveGrants + 5 }, () => admin.post(`/v1/admin/accounts/${id}/grants`, body, key())));
    const created = results.filter((r) => r.status === 201).length;
    expect(created).toBe(LIMITS.maxActiveGrants);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'LIMIT_REACHED', limit: LIMITS.maxActiveGrants });
    }
    const view = (await merchant.get('/v1/credits')).body;
    expect(view.credits.grants).toBe(LIMITS.maxActiveGrants);
    expect(view.sources.filter((s: { bucket: string }) => s.bucket === 'grant')).toHaveLength(LIMITS.maxActiveGrants);
  });

  it('given a grant that expires in 2 days, when the clock passes it, then the merchant sees it gone with one expire entry, and the ledger still sums to available', async () => {
    const { id, merchant, admin } = await merchantAndAdmin();
    const r = await admin.post(`/v1/admin/accounts/${id}/grants`, { amount: 9, reason: 'short', category: 'promotional', expiresAt: inDays(2) }, key());
    expect(r.status).toBe(201);
    await setClock(3 * DAY);
    // A token is checked against the moved clock too: ask for one issued then.
    const later = await ctx.api(id);
    const read = await later.get('/v1/credits');
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    const view = read.body;
    expect(view.credits).toMatchObject({ available: 25, grants: 0 });
    expect(view.sources.map((s: { bucket: string }) => s.bucket)).toEqual(['allowance']);
    await later.get('/v1/credits');
    const items = (await later.get('/v1/credits/ledger')).body.items as Array<{ type: string; amount: number; grantId?: string }>;
    expect(items.filter((e) => e.type === 'expire')).toEqual([expect.objectContaining({ type: 'expire', amount: -9, grantId: r.body.id })]);
    expect(items.reduce((s, e) => s + e.amount, 0)).toBe(25);
  });

  it('given a grant expiring within 7 days, then the merchant gets one credits_expiring notification however often it reads', async () => {
    const { id, merchant, admin } = await merchantAndAdmin();
    expect((await admin.post(`/v1/admin/accounts/${id}/grants`, { amount: 4, reason: 'soon', category: 'promotional', expiresAt: inDays(5) }, key())).status).toBe(201);
    await Promise.all([merchant.get('/v1/credits'), merchant.get('/v1/credits'), merchant.get('/v1/credits')]);
    const notes = (await merchant.get('/v1/notifications')).body.items as Array<{ type: string; message: string }>;
    const expiring = notes.filter((x) => x.type === 'credits_expiring');
    expect(expiring).toHaveLength(1);
    expect(expiring[0].message).toMatch(/^4 AI credits from a promotional grant expire on \d{4}-\d{2}-\d{2}\./);
  });
});
