/**
 * Every guard of an auto top-up change, held to the same cases in both realisations of the credit store:
 * the DynamoDB store built with the auto top-up attributes (its conditions from
 * `adapters/auto-top-up-attributes.ts`) on dynalite, and the in-memory fake (the same module's
 * predicates). Also: the setting survives its encoding exactly (the `settingIs` guard compares encodings).
 */
import { describe, expect, it } from 'vitest';
import { decodeSetting, encodeSetting } from '../../functions/adapters/auto-top-up-attributes.ts';
import type { AutoTopUpChange, AutoTopUpGuard, AutoTopUpSetting, CreditStore } from '../../functions/core/ports.ts';
import { MemoryCreditStore } from '../support/memory-store.ts';
import { useCore } from '../support/core.ts';
import { freshAccount } from '../support/stack.ts';

const core = useCore();

const T = '2026-12-03T10:00:00.000Z';
const ON: AutoTopUpSetting = { enabled: true, packId: 'pack_50', thresholdCredits: 20, monthlyLimit: 3, updatedAt: T };
const OFF: AutoTopUpSetting = { ...ON, enabled: false, disabled: { reason: 'failures', at: T, topUpId: 'tu_1' } };

type Setup = Array<Omit<AutoTopUpChange, 'guard'>>;
const setups = {
  fresh: [],
  on: [{ setting: ON }],
  pending: [{ setting: ON, pending: { topUpId: 'tu_1', packId: 'pack_50' }, count: { month: '2026-12', count: 2 } }],
  failed: [{ setting: OFF, failures: 2, limitNotifiedAt: T }],
} satisfies Record<string, Setup>;

const cases: Array<[keyof typeof setups, AutoTopUpGuard, boolean]> = [
  ['fresh', { settingIs: null }, true],
  ['fresh', { settingIs: ON }, false],
  ['on', { settingIs: ON }, true],
  ['on', { settingIs: null }, false],
  ['on', { settingIs: { ...ON, thresholdCredits: 21 } }, false],
  ['failed', { settingIs: OFF }, true],
  ['failed', { settingIs: { ...OFF, disabled: { reason: 'downgrade', at: T } } }, false],
  ['fresh', { pendingIs: null }, true],
  ['pending', { pendingIs: null }, false],
  ['pending', { pendingIs: 'tu_1' }, true],
  ['pending', { pendingIs: 'tu_2' }, false],
  ['fresh', { countIs: { month: null, count: 0 } }, true],
  ['fresh', { countIs: { month: '2026-12', count: 0 } }, false],
  ['pending', { countIs: { month: '2026-12', count: 2 } }, true],
  ['pending', { countIs: { month: '2026-12', count: 1 } }, false],
  ['pending', { countIs: { month: null, count: 0 } }, false],
  ['fresh', { failuresIs: 0 }, true],
  ['fresh', { failuresIs: 1 }, false],
  ['failed', { failuresIs: 2 }, true],
  ['failed', { failuresIs: 0 }, false],
  ['fresh', { limitNotNotifiedSince: '2026-12-01T00:00:00.000Z' }, true],
  ['failed', { limitNotNotifiedSince: '2026-12-01T00:00:00.000Z' }, false],
  ['failed', { limitNotNotifiedSince: '2027-01-01T00:00:00.000Z' }, true],
  ['fresh', { bucketsAtMost: { allowanceRemaining: 100, purchased: 0, sourced: 0 } }, true],
  ['fresh', { bucketsAtMost: { allowanceRemaining: 99, purchased: 0, sourced: 0 } }, false],
  ['fresh', { bucketsAtMost: { allowanceRemaining: 100, purchased: -1, sourced: 0 } }, false],
  ['fresh', { bucketsAtMost: { allowanceRemaining: 100, purchased: 0, sourced: -1 } }, false],
  ['pending', { settingIs: ON, pendingIs: 'tu_1', countIs: { month: '2026-12', count: 2 } }, true],
  ['pending', { settingIs: ON, pendingIs: null, countIs: { month: '2026-12', count: 2 } }, false],
];

async function outcome(store: CreditStore, setup: Setup, guard: AutoTopUpGuard): Promise<boolean> {
  const id = freshAccount('atguard');
  await store.createAccount(
    { accountId: id, plan: 'plus', allowance: 100, allowanceRemaining: 100, purchased: 0, periodAnchor: '2026-12-01T00:00:00.000Z', periodStart: '2026-12-01T00:00:00.000Z', periodEnd: '2027-01-01T00:00:00.000Z', createdAt: T },
    { id: `led_${id}`, at: T, type: 'grant', amount: 100, bucket: 'allowance' },
  );
  for (const step of setup) expect((await store.apply(id, { entries: [], guard: {}, autoTopUp: { ...step, guard: {} } })).ok).toBe(true);
  const before = await store.getAccount(id);
  const r = await store.apply(id, { entries: [], guard: {}, autoTopUp: { failures: 7, guard } });
  // A refused change changes nothing; a landed one wrote what it said.
  if (!r.ok) expect(await store.getAccount(id)).toEqual(before);
  else expect(r.account.autoTopUp?.failures).toBe(7);
  return r.ok;
}

/** Both realisations: each case must land (or be refused) in both alike. */
const realisations: Array<() => CreditStore> = [() => core.deps.store, () => new MemoryCreditStore()];

describe('auto top-up guards: the DynamoDB store and the in-memory fake agree, case by case', () => {
  it.each(cases)('given the %s account, when a change is guarded on %j, then it lands: %s', async (setup, guard, lands) => {
    const outcomes: boolean[] = [];
    for (const store of realisations) outcomes.push(await outcome(store(), setups[setup], guard));
    expect(outcomes).toEqual([lands, lands]);
  });

  it('covers every guard of an auto top-up change', () => {
    const named = Object.keys(Object.assign({}, ...cases.map(([, g]) => g)));
    expect(named.sort()).toEqual(['bucketsAtMost', 'countIs', 'failuresIs', 'limitNotNotifiedSince', 'pendingIs', 'settingIs']);
  });

  it('given settings with and without the service switch-off, then each decodes to itself and re-encodes to the same string', () => {
    for (const s of [ON, OFF, { enabled: false }, { ...OFF, disabled: { reason: 'downgrade' as const, at: T } }]) {
      expect(decodeSetting(encodeSetting(s))).toEqual(s);
      expect(encodeSetting(decodeSetting(encodeSetting(s)))).toBe(encodeSetting(s));
    }
  });
});
