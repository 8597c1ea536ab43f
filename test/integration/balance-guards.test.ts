/**
 * Every guard of a balance change, held to the same cases in both realisations of the credit store: the
 * DynamoDB store on dynalite (its ConditionExpression built by `guardConditions`) and the in-memory fake
 * of the unit tests (`guardHolds`). Each case brings a fresh account to a state through the port, then
 * applies a change with one guard and expects it to land or be refused — in both, as the case says.
 */
import { describe, expect, it } from 'vitest';
import { GUARD_KEYS } from '../../functions/adapters/balance-guards.ts';
import type { Change, CreditStore, Guard } from '../../functions/core/ports.ts';
import { MemoryCreditStore } from '../support/memory-store.ts';
import { useCore } from '../support/core.ts';
import { freshAccount } from '../support/stack.ts';

const core = useCore();

const PERIOD_END = '2027-01-01T00:00:00.000Z';
const T = '2026-12-03T10:00:00.000Z';
const LATER = '2026-12-03T10:00:00.001Z';
const EARLIER = '2026-12-03T09:59:59.999Z';
const WINDOW_END = '2026-12-03T10:10:00.000Z';

type Setup = Array<Omit<Change, 'guard' | 'entries'>>;
const ALERTS = { epoch: 0, notified: [0.5], depleted: false, band: 0.5, dip: 0.5, recoveries: 0 };
const event = (id: string) => ({ id, type: 'credits.low_balance' as const, createdAt: T, data: { accountId: 'a', threshold: 0.5 } });
const setups = {
  fresh: [],
  purchased5: [{ purchasedDelta: 5 }],
  planEventAtT: [{ set: { lastPlanEventAt: T } }],
  opApplied: [{ opId: 'op_1' }],
  notifiedX: [{ set: { lowBalanceNotifiedFor: 'x' } }],
  held: [{ hold: { generationId: 'gen_1', allowance: 1, purchased: 0, at: T, epoch: 0, feature: 'product_description' as const } }],
  newEpoch: [{ newAllowanceEpoch: true }],
  windowOpen: [{ rate: { kind: 'open' as const, windowStart: T, windowEnd: WINDOW_END } }],
  cooldownUntilT: [{ rate: { kind: 'open' as const, windowStart: EARLIER, windowEnd: WINDOW_END } }, { rate: { kind: 'cooldown' as const, until: T } }],
  // One grant of 10 with 4 taken (sources version 1), and one of 3 untouched (version 2).
  granted: [
    { addSource: { id: 'grt_a', bucket: 'grant' as const, category: 'promotional' as const, amount: 10, remaining: 10, expiresAt: PERIOD_END, createdAt: T } },
    { sourceDeltas: { grt_a: -4 } },
    { addSource: { id: 'grt_b', bucket: 'grant' as const, category: 'compensation' as const, amount: 3, remaining: 3, expiresAt: null, createdAt: T } },
  ],
  // A bulk job's hold of 5 credits, 2 of them refunded.
  jobHeld: [
    { holdJob: { jobId: 'job_1', allowance: 5, purchased: 0, epoch: 0, credits: 5 } },
    { jobRefunded: { jobId: 'job_1', to: 2 } },
  ],
  alerted: [{ alerts: ALERTS }],
  twoEvents: [{ events: [event('evt_1'), event('evt_2')] }],
} satisfies Record<string, Setup>;

const cases: Array<[keyof typeof setups, Guard, boolean]> = [
  ['fresh', { allowanceAtLeast: 100 }, true],
  ['fresh', { allowanceAtLeast: 101 }, false],
  ['fresh', { allowanceIs: 100 }, true],
  ['fresh', { allowanceIs: 99 }, false],
  ['purchased5', { balanceIs: { allowanceRemaining: 100, purchased: 5, sourced: 0 } }, true],
  ['purchased5', { balanceIs: { allowanceRemaining: 100, purchased: 4, sourced: 0 } }, false],
  ['purchased5', { balanceIs: { allowanceRemaining: 99, purchased: 5, sourced: 0 } }, false],
  ['purchased5', { balanceIs: { allowanceRemaining: 100, purchased: 5, sourced: 1 } }, false],
  ['fresh', { allowanceAtMost: 100 }, true],
  ['fresh', { allowanceAtMost: 99 }, false],
  ['purchased5', { purchasedAtLeast: 5 }, true],
  ['purchased5', { purchasedAtLeast: 6 }, false],
  ['fresh', { periodCurrentAt: '2026-12-31T23:59:59.999Z' }, true],
  ['fresh', { periodCurrentAt: PERIOD_END }, false],
  ['fresh', { periodEndIs: PERIOD_END }, true],
  ['fresh', { periodEndIs: '2027-02-01T00:00:00.000Z' }, false],
  ['fresh', { planEventBefore: T }, true],
  ['planEventAtT', { planEventBefore: T }, false],
  ['planEventAtT', { planEventBefore: LATER }, true],
  ['fresh', { opNotApplied: 'op_1' }, true],
  ['opApplied', { opNotApplied: 'op_1' }, false],
  ['opApplied', { opNotApplied: 'op_2' }, true],
  ['fresh', { lowBalanceNotNotifiedFor: 'x' }, true],
  ['notifiedX', { lowBalanceNotNotifiedFor: 'x' }, false],
  ['notifiedX', { lowBalanceNotNotifiedFor: 'y' }, true],
  ['fresh', { planIs: 'plus' }, true],
  ['fresh', { planIs: 'pro' }, false],
  ['fresh', { planIn: ['pro', 'plus'] }, true],
  ['fresh', { planIn: ['free'] }, false],
  ['held', { holdExists: 'gen_1' }, true],
  ['held', { holdExists: 'gen_2' }, false],
  ['held', { holdAbsent: 'gen_1' }, false],
  ['held', { holdAbsent: 'gen_2' }, true],
  ['fresh', { allowanceEpochIs: 0 }, true],
  ['fresh', { allowanceEpochIs: 1 }, false],
  ['newEpoch', { allowanceEpochIs: 1 }, true],
  ['newEpoch', { allowanceEpochIs: 0 }, false],
  ['fresh', { rateWindowEndIs: null }, true],
  ['fresh', { rateWindowOpenAt: T }, false],
  ['fresh', { rateCountBelow: 5 }, false],
  ['fresh', { rateCountAtLeast: 0 }, false],
  ['fresh', { noCooldownAt: T }, true],
  ['windowOpen', { rateWindowOpenAt: EARLIER }, true],
  ['windowOpen', { rateWindowOpenAt: WINDOW_END }, false],
  ['windowOpen', { rateWindowEndIs: WINDOW_END }, true],
  ['windowOpen', { rateWindowEndIs: null }, false],
  ['windowOpen', { rateCountBelow: 2 }, true],
  ['windowOpen', { rateCountBelow: 1 }, false],
  ['windowOpen', { rateCountAtLeast: 1 }, true],
  ['windowOpen', { rateCountAtLeast: 2 }, false],
  ['windowOpen', { noCooldownAt: T }, true],
  ['cooldownUntilT', { noCooldownAt: T }, true],
  ['cooldownUntilT', { noCooldownAt: EARLIER }, false],
  ['fresh', { sourcesVersionIs: 0 }, true],
  ['fresh', { sourcesVersionIs: 1 }, false],
  ['granted', { sourcesVersionIs: 2 }, true],
  ['granted', { sourcesVersionIs: 1 }, false],
  ['granted', { sourcesAtLeast: { grt_a: 6, grt_b: 3 } }, true],
  ['granted', { sourcesAtLeast: { grt_a: 7 } }, false],
  ['granted', { sourcesAtLeast: { grt_x: 0 } }, false],
  ['granted', { sourcesAre: { grt_a: 6 } }, true],
  ['granted', { sourcesAre: { grt_a: 6, grt_b: 2 } }, false],
  ['granted', { sourcesAtMost: { grt_a: 6 } }, true],
  ['granted', { sourcesAtMost: { grt_a: 5 } }, false],
  ['granted', { sourcesAtMost: { grt_x: 100 } }, false],
  ['jobHeld', { jobRefundedIs: { jobId: 'job_1', count: 2 } }, true],
  ['jobHeld', { jobRefundedIs: { jobId: 'job_1', count: 0 } }, false],
  ['jobHeld', { jobRefundedIs: { jobId: 'job_2', count: 0 } }, false],
  ['fresh', { alertsAre: null }, true],
  ['fresh', { alertsAre: ALERTS }, false],
  ['alerted', { alertsAre: ALERTS }, true],
  ['alerted', { alertsAre: null }, false],
  ['alerted', { alertsAre: { ...ALERTS, recoveries: 1 } }, false],
  ['fresh', { outboxBelow: 1 }, true],
  ['twoEvents', { outboxBelow: 3 }, true],
  ['twoEvents', { outboxBelow: 2 }, false],
  ['fresh', { allowanceAtLeast: 100, planIs: 'plus', rateWindowEndIs: null }, true],
  ['fresh', { allowanceAtLeast: 100, planIs: 'pro', rateWindowEndIs: null }, false],
];

async function outcome(store: CreditStore, setup: Setup, guard: Guard): Promise<boolean> {
  const id = freshAccount('guard');
  await store.createAccount(
    { accountId: id, plan: 'plus', allowance: 100, allowanceRemaining: 100, purchased: 0, periodAnchor: '2026-12-01T00:00:00.000Z', periodStart: '2026-12-01T00:00:00.000Z', periodEnd: PERIOD_END, createdAt: T },
    { id: `led_${id}`, at: T, type: 'grant', amount: 100, bucket: 'allowance' },
  );
  for (const step of setup) expect((await store.apply(id, { ...step, entries: [], guard: {} })).ok).toBe(true);
  const before = await store.getAccount(id);
  const r = await store.apply(id, { entries: [], guard, set: { lowBalanceNotifiedFor: 'probe' } });
  // A refused change changes nothing.
  if (!r.ok) expect(await store.getAccount(id)).toEqual(before);
  return r.ok;
}

describe('balance guards: the DynamoDB store and the in-memory fake agree, case by case', () => {
  it.each(cases)('given the %s account, when a change is guarded on %j, then it lands: %s', async (setup, guard, lands) => {
    expect(await outcome(core.deps.store, setups[setup], guard)).toBe(lands);
    expect(await outcome(new MemoryCreditStore(), setups[setup], guard)).toBe(lands);
  });

  it('every guard of the port is among the cases', () => {
    const covered = new Set(cases.flatMap(([, g]) => Object.keys(g)));
    // The clause table is complete by its type: a guard added to the port gets a clause, and then needs cases here.
    expect([...covered].sort()).toEqual([...GUARD_KEYS].sort());
  });
});
