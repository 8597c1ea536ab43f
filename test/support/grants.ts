/** What the grant tests share: a fixed start instant, days from it, a charge's meta and a fresh account. */
import { applyPlan, ensureAccount } from '../../functions/core/credits.ts';
import type { useCore } from './core.ts';
import { expectLedgerMatches } from './ledger.ts';
import { manualClock } from './memory-store.ts';
import { freshAccount } from './stack.ts';

export const T0 = '2026-06-01T10:00:00.000Z';
/** `days` (and `ms`) after T0, as an ISO instant. */
export const at = (days: number, ms = 0) => new Date(Date.parse(T0) + days * 86400_000 + ms).toISOString();
/** A generation's charge meta. Unheld by default: a held charge older than the hold timeout is refunded as abandoned when the clock jumps days. */
export const meta = (n: number | string, hold = false) => ({ feature: 'product_description' as const, generationId: `gen_${n}`, hold });

/** A new account on `plan` at T0, on a clock of its own over the core's dynalite deps. */
export async function grantAccount(core: ReturnType<typeof useCore>, label: string, plan: 'free' | 'plus') {
  const clock = manualClock(T0);
  const deps = { ...core.deps, clock };
  const id = freshAccount(label);
  await ensureAccount(deps, id);
  if (plan !== 'free') await applyPlan(deps, id, plan, clock.now().toISOString());
  const read = async () => (await deps.store.getAccount(id))!;
  return { deps, clock, id, read, ledger: () => expectLedgerMatches(core.deps.store, id) };
}
