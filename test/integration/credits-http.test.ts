import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../lib/local/tokens.ts';
import { apiFor, call, freshAccount, useStack } from '../support/stack.ts';

const ctx = useStack();

const sumLedger = (items: Array<{ amount: number }>) => items.reduce((s, e) => s + e.amount, 0);

describe('GET /v1/credits and the ledger, as a merchant integration sees them', () => {
  it('given a fresh token, when the merchant asks for credits, then the free plan shows 25 available and a period ending one month on', async () => {
    const api = await ctx.api(freshAccount());
    const r = await api.get('/v1/credits');
    expect(r.status).toBe(200);
    expect(r.body.plan).toBe('free');
    expect(r.body.credits).toEqual({ available: 25, allowance: 25, allowanceRemaining: 25, purchased: 0, grants: 0 });
    expect(r.body.topUpAvailable).toBe(false);
    expect(r.body.rateLimit).toEqual({ limit: 10, remaining: 10, windowResetAt: null, cooldownUntil: null });
    const start = new Date(r.body.period.start);
    const end = new Date(r.body.period.end);
    expect(start.getTime()).toBeLessThanOrEqual(Date.now());
    expect(end.getUTCDate()).toBe(Math.min(start.getUTCDate(), new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate()));
    expect((end.getUTCFullYear() * 12 + end.getUTCMonth()) - (start.getUTCFullYear() * 12 + start.getUTCMonth())).toBe(1);
    expect(end.getTime()).toBeGreaterThan(Date.now());
  });

  it('given a new account, when its ledger is read, then it shows the grant and sums to the available 25', async () => {
    const api = await ctx.api(freshAccount());
    const r = await api.get('/v1/credits/ledger');
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({ type: 'grant', amount: 25, bucket: 'allowance', balanceAfter: 25 });
    expect(sumLedger(r.body.items)).toBe(25);
    expect(r.body.nextCursor).toBeNull();
  });

  it('given 20 concurrent first requests of a new account, when they land, then it is provisioned once', async () => {
    const api = await ctx.api(freshAccount());
    const all = await Promise.all(Array.from({ length: 20 }, () => api.get('/v1/credits')));
    expect(all.every((r) => r.status === 200 && r.body.credits.available === 25)).toBe(true);
    const ledger = await api.get('/v1/credits/ledger');
    expect(ledger.body.items).toHaveLength(1);
  });

  it('given no token, a tampered token, an alg:none token, an expired token or a foreign key, then 401 UNAUTHORIZED', async () => {
    const id = freshAccount();
    const good = await ctx.stack.token(id);
    const [h, p, sig] = good.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, account_id: 'acct_victim' })).toString('base64url')}.${sig}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    const now = Math.floor(Date.now() / 1000);
    const foreign = await new SignJWT({ account_id: id, scope: '' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode('x'.repeat(32)));
    const expired = await ctx.stack.keys.sign({ accountId: id }, -10);
    for (const token of [undefined, tampered, none, foreign, expired, 'not-a-jwt']) {
      const r = await apiFor(ctx.stack, token).get('/v1/credits');
      expect(r.status, String(token).slice(0, 30)).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHORIZED');
    }
  });

  it('given a token without the admin scope, when it calls admin routes, then 403 FORBIDDEN', async () => {
    const id = freshAccount();
    const api = await ctx.api(id);
    await api.get('/v1/credits');
    expect((await api.get(`/v1/admin/accounts/${id}/credits`)).body.error.code).toBe('FORBIDDEN');
    const r = await api.post(`/v1/admin/accounts/${id}/adjustments`, { amount: 5, reason: 'x' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
  });

  it('given an admin, when it reads or adjusts an account that does not exist, then 404 and the account is not created', async () => {
    const admin = await ctx.api(freshAccount('admin'), ['credits:admin']);
    const ghost = freshAccount('ghost');
    expect((await admin.get(`/v1/admin/accounts/${ghost}/credits`)).status).toBe(404);
    expect((await admin.post(`/v1/admin/accounts/${ghost}/adjustments`, { amount: 5, reason: 'x' })).status).toBe(404);
    expect((await admin.get(`/v1/admin/accounts/${ghost}/credits`)).status).toBe(404);
  });

  it('given an admin grant and debit, then purchased credits move with adjust entries, and a debit past the purchased balance is 409 and changes nothing', async () => {
    const id = freshAccount();
    const merchant = await ctx.api(id);
    await merchant.get('/v1/credits');
    const admin = await ctx.api(freshAccount('admin'), ['credits:admin']);
    const grant = await admin.post(`/v1/admin/accounts/${id}/adjustments`, { amount: 30, reason: 'goodwill' });
    expect(grant.status).toBe(201);
    expect(grant.body.credits).toMatchObject({ available: 55, purchased: 30 });
    const refused = await admin.post(`/v1/admin/accounts/${id}/adjustments`, { amount: -31, reason: 'too much' });
    expect(refused.status).toBe(409);
    const debit = await admin.post(`/v1/admin/accounts/${id}/adjustments`, { amount: -10, reason: 'correction' });
    expect(debit.status).toBe(201);
    const view = await admin.get(`/v1/admin/accounts/${id}/credits`);
    expect(view.body.credits).toEqual({ available: 45, allowance: 25, allowanceRemaining: 25, purchased: 20, grants: 0 });
    const ledger = await merchant.get('/v1/credits/ledger');
    expect(ledger.body.items.map((e: { type: string; amount: number }) => [e.type, e.amount])).toEqual([
      ['adjust', -10],
      ['adjust', 30],
      ['grant', 25],
    ]);
    expect(sumLedger(ledger.body.items)).toBe(45);
  });

  it('given bad adjustment bodies, then 400 VALIDATION_FAILED with issues, and nothing changes', async () => {
    const id = freshAccount();
    await (await ctx.api(id)).get('/v1/credits');
    const admin = await ctx.api(freshAccount('admin'), ['credits:admin']);
    for (const body of [{ amount: 0, reason: 'x' }, { amount: 1.5, reason: 'x' }, { amount: '5', reason: 'x' }, { amount: 5 }, { amount: 5, reason: 'x', extra: 1 }, '{not json', '']) {
      const r = await admin.post(`/v1/admin/accounts/${id}/adjustments`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(Array.isArray(r.body.error.issues)).toBe(true);
    }
    expect((await admin.get(`/v1/admin/accounts/${id}/credits`)).body.credits.available).toBe(25);
  });

  it('given many ledger entries, when paged with limit and cursor, then pages are newest first, disjoint, and sum to the balance', async () => {
    const id = freshAccount();
    await (await ctx.api(id)).get('/v1/credits');
    const admin = await ctx.api(freshAccount('admin'), ['credits:admin']);
    for (let i = 1; i <= 40; i++) await admin.post(`/v1/admin/accounts/${id}/adjustments`, { amount: 1, reason: `r${i}` });
    const api = await ctx.api(id);
    const seen: Array<{ id: string; amount: number; at: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; body: { items: typeof seen; nextCursor: string | null } } = await api.get(`/v1/credits/ledger?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items);
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(6);
    expect(seen).toHaveLength(41);
    expect(new Set(seen.map((e) => e.id)).size).toBe(41);
    expect(sumLedger(seen)).toBe(65);
    expect(seen.map((e) => e.at)).toEqual([...seen.map((e) => e.at)].sort().reverse());
  });

  it('given a ledger limit outside 1–100 or a forged cursor, then 400', async () => {
    const api = await ctx.api(freshAccount());
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'cursor=forged']) {
      const r = await api.get(`/v1/credits/ledger?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('given an unknown route, then a JSON 404; given a body over 64 KB, then 413 PAYLOAD_TOO_LARGE', async () => {
    const api = await ctx.api(freshAccount());
    const r = await api.get('/v1/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
    const big = await api.post('/v1/generations', { feature: 'product_description', productId: 'p', input: { name: 'x', notes: 'y'.repeat(70_000) } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const noAuthBig = await call(`${ctx.stack.url}/v1/generations`, { method: 'POST', body: 'y'.repeat(70_000) });
    expect(noAuthBig.status).toBe(401);
  });
});
