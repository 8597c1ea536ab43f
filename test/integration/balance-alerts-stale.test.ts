/**
 * A writer decides its balance alerts after its own work (a generation: after the model call), on the
 * state its charge answered. A credit that landed meanwhile (a top-up paid during the model call) must
 * win: the alert write is guarded on the balance it was decided from, refused, and decided again on the
 * fresh state, so no `low_balance` goes out for a balance that is no longer low.
 */
import { describe, expect, it } from 'vitest';
import { noticeAlerts } from '../../functions/core/alerts.ts';
import { adjust, ensureAccount } from '../../functions/core/credits.ts';
import { useCore } from '../support/core.ts';
import { freshAccount } from '../support/stack.ts';

const ctx = useCore();

describe('balance alerts decided on a balance that moved since', () => {
  it('given a free account at 10 of 25 (under 50 %) whose state is read, when 20 purchased credits land before its alerts are decided on that read, then no low_balance is recorded', async () => {
    const deps = ctx.deps;
    const id = freshAccount('stale');
    await ensureAccount(deps, id);
    await deps.store.apply(id, { allowanceDelta: -15, entries: [], guard: {} });
    const stale = (await deps.store.getAccount(id))!;
    expect(stale.allowanceRemaining).toBe(10);
    await adjust(deps, id, 20, 'paid during the model call');

    const after = await noticeAlerts(deps, stale);
    expect(after.outbox.filter((e) => e.type === 'credits.low_balance')).toEqual([]);
    expect((await deps.store.getAccount(id))!.outbox.filter((e) => e.type === 'credits.low_balance')).toEqual([]);
    expect((await deps.notifications.list(id, 50)).items.filter((n) => n.type === 'low_balance')).toEqual([]);
  });
});
