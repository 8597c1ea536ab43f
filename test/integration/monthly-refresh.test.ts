/**
 * Monthly refresh, as a merchant and the hourly job see it: the job refreshes each due account once
 * (also when it runs again or races a request), and a due account the job has not reached yet is
 * refreshed by its next request.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/local/deps.ts';
import { spend } from '../support/billing.ts';
import { createDueAccounts } from '../support/due-accounts.ts';
import { call, freshAccount, useStack, type Api } from '../support/stack.ts';

const ctx = useStack();

const runJob = () => call<{ refreshed: number; complete: boolean }>(`${ctx.stack.url}/local/schedules/monthly-refresh`, { method: 'POST' });
const setClock = (offsetSeconds: number) =>
  call(`${ctx.stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });

async function credits(api: Api) {
  const r = await api.get('/v1/credits');
  expect(r.status).toBe(200);
  return r.body as { credits: { allowanceRemaining: number; purchased: number; available: number }; period: { start: string; end: string } };
}

async function refreshEntries(api: Api) {
  const r = await api.get('/v1/credits/ledger?limit=100');
  return (r.body.items as Array<{ type: string; amount: number }>).filter((e) => e.type === 'refresh');
}

afterAll(async () => {
  await setClock(0);
});

describe('monthly refresh', () => {
  it('given a due account the job has not reached, when the merchant makes a request, then it is refreshed first, once (five concurrent requests)', async () => {
    const [accountId] = await createDueAccounts(deps(), freshAccount('lazy'), 1);
    const api = await ctx.api(accountId);
    const views = await Promise.all(Array.from({ length: 5 }, () => credits(api)));
    for (const v of views) {
      expect(v.credits.allowanceRemaining).toBe(25);
      expect(new Date(v.period.end).getTime()).toBeGreaterThan(Date.now());
    }
    expect(await refreshEntries(api)).toEqual([expect.objectContaining({ type: 'refresh', amount: 15 })]);
    // Nothing is left for the job.
    expect((await runJob()).body).toMatchObject({ refreshed: 0 });
    const notes = await deps().notifications.list(accountId, 10);
    expect(notes.items.filter((n) => n.type === 'credits_refreshed')).toHaveLength(1);
  });

  it('given due accounts, when the job runs while merchants make requests, then each account is refreshed exactly once', async () => {
    const ids = await createDueAccounts(deps(), freshAccount('race'), 100);
    const apis = await Promise.all(ids.slice(0, 30).map((id) => ctx.api(id)));
    const [job] = await Promise.all([runJob(), ...apis.map((api) => credits(api))]);
    // The job did the ones the requests did not: together, each account once.
    expect(job.body.refreshed).toBeGreaterThanOrEqual(70);
    const ledgers = await Promise.all(ids.map((id) => deps().store.ledgerPage(id, 10)));
    ledgers.forEach((page, i) => expect(page.items.filter((e) => e.type === 'refresh'), ids[i]).toHaveLength(1));
    expect((await runJob()).body).toMatchObject({ refreshed: 0 });
  });

  it('given merchants whose period ended (POST /local/clock past the end), then the hourly schedule refreshes them once, purchased credits untouched, and running the job again refreshes none', async () => {
    const merchants = await Promise.all(
      [3, 10, 25].map(async (spent) => {
        const accountId = freshAccount('month');
        const api = await ctx.api(accountId);
        await credits(api);
        const admin = await ctx.api('ops', ['credits:admin']);
        await admin.post(`/v1/admin/accounts/${accountId}/adjustments`, { amount: 7, reason: 'goodwill' });
        await spend(accountId, spent);
        return { accountId, api, before: await credits(api) };
      }),
    );
    // 32 days on: every period (a month at most 31 days) has ended. The local scheduler's hourly run fires on this move.
    expect((await setClock(32 * 86_400)).status).toBe(200);
    for (const m of merchants) {
      // Read the store directly: a request would refresh lazily and hide whether the job did it.
      const a = (await deps().store.getAccount(m.accountId))!;
      expect(a.allowanceRemaining, 'refreshed by the scheduled job').toBe(25);
      expect(a.periodStart).toBe(m.before.period.end);
      expect(a.purchased).toBe(m.before.credits.purchased);
    }
    expect((await runJob()).body).toMatchObject({ refreshed: 0 });
    for (const m of merchants) {
      // Local tokens follow the service clock: the old ones expired a month ago.
      const c = await credits(await ctx.api(m.accountId));
      expect(c.credits.allowanceRemaining).toBe(25);
      expect(await refreshEntries(await ctx.api(m.accountId))).toHaveLength(1);
    }
  });

  it('leaves nothing in the bus or scheduler dead-letter lists', () => {
    expect(ctx.stack.bus.deadLetters).toEqual([]);
    expect(ctx.stack.scheduler.deadLetters).toEqual([]);
  });
});
