/**
 * The auto top-up state on the balance item (`ACCT#<id>` / `BALANCE`), so that deciding to top up is
 * one conditional write with the balance it looked at. Only the functions that charge, settle top-ups
 * or serve the setting build their credit store with these attributes (`composition/auto-top-up.ts`).
 *
 * | attribute | meaning |
 * |---|---|
 * | `atc` | the setting, JSON `[enabled 0/1, packId, thresholdCredits, monthlyLimit, updatedAt ms, (reason f/d, at ms, topUpId)]` (0: absent) |
 * | `atp`, `atk` | the pending auto top-up's id and pack, present only while one is pending |
 * | `atm` | `YYYY-MM:n`: n auto top-ups were created in that month (UTC) |
 * | `atf` | auto top-ups failed in a row (absent: 0) |
 * | `atl` | when the monthly limit's notice was last handled (ISO) |
 *
 * Each guard is written twice, as a DynamoDB condition and as a predicate on the decoded state (the
 * in-memory fake of the tests), as `balance-guards.ts` does for the core's guards.
 */
import type { AutoTopUpChange, AutoTopUpGuard, AutoTopUpSetting, AutoTopUpState } from '../core/ports.ts';
import type { BalanceAttributes } from './dynamo-store.ts';

type Encoded = [0 | 1, string | 0, number, number, number, ('f' | 'd')?, number?, (string | 0)?];

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : 0);
const iso = (n: number | undefined): string | undefined => (n ? new Date(n).toISOString() : undefined);

export function encodeSetting(s: AutoTopUpSetting): string {
  const f: Encoded = [s.enabled ? 1 : 0, s.packId ?? 0, s.thresholdCredits ?? 0, s.monthlyLimit ?? 0, ms(s.updatedAt)];
  if (s.disabled) f.push(s.disabled.reason === 'failures' ? 'f' : 'd', ms(s.disabled.at), s.disabled.topUpId ?? 0);
  return JSON.stringify(f);
}

export function decodeSetting(raw: string): AutoTopUpSetting {
  const [e, p, t, m, u, r, at, tu] = JSON.parse(raw) as Encoded;
  return {
    enabled: e === 1,
    ...(p ? { packId: p } : {}),
    ...(t ? { thresholdCredits: t } : {}),
    ...(m ? { monthlyLimit: m } : {}),
    ...(u ? { updatedAt: iso(u) } : {}),
    ...(r ? { disabled: { reason: r === 'f' ? 'failures' : 'downgrade', at: iso(at)!, ...(tu ? { topUpId: tu } : {}) } } : {}),
  };
}

const monthOf = (raw: unknown): [string | null, number] => {
  if (typeof raw !== 'string') return [null, 0];
  const i = raw.lastIndexOf(':');
  return [raw.slice(0, i), Number(raw.slice(i + 1))];
};

export function readState(item: Record<string, unknown>): AutoTopUpState {
  const [month, count] = monthOf(item.atm);
  return {
    setting: typeof item.atc === 'string' ? decodeSetting(item.atc) : null,
    pending: typeof item.atp === 'string' ? { topUpId: item.atp, packId: String(item.atk) } : null,
    month,
    count,
    failures: typeof item.atf === 'number' ? item.atf : 0,
    limitNotifiedAt: typeof item.atl === 'string' ? item.atl : null,
  };
}

interface Clause<K extends keyof AutoTopUpGuard> {
  condition(v: Exclude<AutoTopUpGuard[K], undefined>): { expression: string; values: Record<string, unknown> };
  holds(s: AutoTopUpState & { buckets: { allowanceRemaining: number; purchased: number; sourced: number } }, v: Exclude<AutoTopUpGuard[K], undefined>): boolean;
}

const CLAUSES: { [K in keyof AutoTopUpGuard]-?: Clause<K> } = {
  settingIs: {
    condition: (v) => (v === null ? { expression: 'attribute_not_exists(atc)', values: {} } : { expression: 'atc = :atgs', values: { ':atgs': encodeSetting(v) } }),
    holds: (s, v) => (v === null ? s.setting === null : s.setting !== null && encodeSetting(s.setting) === encodeSetting(v)),
  },
  pendingIs: {
    condition: (v) => (v === null ? { expression: 'attribute_not_exists(atp)', values: {} } : { expression: 'atp = :atgp', values: { ':atgp': v } }),
    holds: (s, v) => (s.pending?.topUpId ?? null) === v,
  },
  countIs: {
    condition: (v) => (v.month === null ? { expression: 'attribute_not_exists(atm)', values: {} } : { expression: 'atm = :atgm', values: { ':atgm': `${v.month}:${v.count}` } }),
    holds: (s, v) => (v.month === null ? s.month === null : s.month === v.month && s.count === v.count),
  },
  failuresIs: {
    condition: (v) => ({ expression: v === 0 ? '(attribute_not_exists(atf) OR atf = :atgf)' : 'atf = :atgf', values: { ':atgf': v } }),
    holds: (s, v) => s.failures === v,
  },
  limitNotNotifiedSince: {
    condition: (v) => ({ expression: '(attribute_not_exists(atl) OR atl < :atgl)', values: { ':atgl': v } }),
    holds: (s, v) => s.limitNotifiedAt === null || s.limitNotifiedAt < v,
  },
  bucketsAtMost: {
    condition: (v) => ({
      // An item without `sourced` has no sources: 0.
      expression: `allowanceRemaining <= :atga AND purchased <= :atgb AND ${v.sourced >= 0 ? '(attribute_not_exists(sourced) OR sourced <= :atgc)' : 'sourced <= :atgc'}`,
      values: { ':atga': v.allowanceRemaining, ':atgb': v.purchased, ':atgc': v.sourced },
    }),
    holds: (s, v) => s.buckets.allowanceRemaining <= v.allowanceRemaining && s.buckets.purchased <= v.purchased && s.buckets.sourced <= v.sourced,
  },
};

const present = (g: AutoTopUpGuard) => (Object.keys(g) as Array<keyof AutoTopUpGuard>).filter((k) => g[k] !== undefined);

/** Whether the guard holds on this state, exactly as DynamoDB evaluates the write's conditions. */
export function autoTopUpGuardHolds(g: AutoTopUpGuard, s: Parameters<Clause<'settingIs'>['holds']>[0]): boolean {
  return present(g).every((k) => (CLAUSES[k] as Clause<typeof k>).holds(s, g[k] as never));
}

/** The state after `change` (the in-memory fake's write). */
export function applyAutoTopUp(s: AutoTopUpState, c: AutoTopUpChange): AutoTopUpState {
  return {
    setting: c.setting ?? s.setting,
    pending: c.pending === undefined ? s.pending : c.pending,
    month: c.count?.month ?? s.month,
    count: c.count?.count ?? s.count,
    failures: c.failures ?? s.failures,
    limitNotifiedAt: c.limitNotifiedAt ?? s.limitNotifiedAt,
  };
}

export const autoTopUpAttributes: BalanceAttributes = {
  read: (item) => ({ autoTopUp: readState(item) }),
  write(change, w) {
    const c = change.autoTopUp;
    if (!c) return;
    const set = (name: string, value: unknown) => {
      w.values[`:atw_${name}`] = value;
      w.sets.push(`${name} = :atw_${name}`);
    };
    if (c.setting) set('atc', encodeSetting(c.setting));
    if (c.pending) (set('atp', c.pending.topUpId), set('atk', c.pending.packId));
    else if (c.pending === null) w.removes.push('atp', 'atk');
    if (c.count) set('atm', `${c.count.month}:${c.count.count}`);
    if (c.failures !== undefined) set('atf', c.failures);
    if (c.limitNotifiedAt) set('atl', c.limitNotifiedAt);
    for (const k of present(c.guard)) {
      const cond = (CLAUSES[k] as Clause<typeof k>).condition(c.guard[k] as never);
      w.conds.push(cond.expression);
      Object.assign(w.values, cond.values);
    }
  },
};
