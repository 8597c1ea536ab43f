/**
 * The guards of a balance change (the core's `Guard`), each written once, as a DynamoDB condition on
 * the balance item and as a predicate on the account state that item stores. The DynamoDB credit store
 * builds its ConditionExpression here and the in-memory fake of the tests evaluates the predicates, so
 * the two cannot drift apart; `test/integration/balance-guards.test.ts` holds both to the same cases.
 *
 * Attributes of the balance item (`ACCT#<id>` / `BALANCE`) the conditions read:
 * | attribute | meaning |
 * |---|---|
 * | `allowanceRemaining`, `purchased` | the two buckets |
 * | `plan`, `periodEnd`, `lastPlanEventAt`, `lowBalanceNotifiedFor` | as in `AccountState` |
 * | `allowanceEpoch` | bumped by every plan change and refresh (absent on old items: epoch 0) |
 * | `appliedOps` | string set of idempotent operations applied (top-up credits) |
 * | `hold_<generationId>` | a held charge (see `dynamo-store.ts` for its encoding) |
 * | `rlStart`, `rlEnd`, `rlCount`, `rlCooldown` | the rate-limit window and a running cooldown |
 * | `src_<sourceId>` | what a grant or expiring top-up still holds (its description is `srm_<sourceId>`) |
 * | `sv` | the sources' version: bumped when one is added, removed or its expiry noticed (absent: 0) |
 * | `jh_<jobId>`, `jr_<jobId>` | a running bulk job's charge (JSON) and the credits refunded from it so far |
 * | `al` | the balance alerts of the current alert period (`encodeAlerts`) |
 * | `eo` | the event outbox: a list of outbound events, each its JSON |
 */
import type { PlanId } from '../config.ts';
import type { AccountState, AlertState, Guard } from '../core/ports.ts';

/** Prefix of the attribute that holds a generation's charge on the balance item. */
export const HOLD = 'hold_';
/** Prefix of the attribute that holds what a source (grant, expiring top-up) has left. */
export const SOURCE = 'src_';
/** Prefixes of a bulk job's charge (JSON) and of the count of its credits refunded so far (a number). */
export const JOB_HOLD = 'jh_';
export const JOB_REFUNDED = 'jr_';

/**
 * The alert state as stored in `al`: `[epoch, [notified thresholds], depleted 0|1, band, dip, recoveries]`
 * (about 25 bytes). Guards compare it whole, so its encoding is fixed here for both realisations.
 */
export function encodeAlerts(a: AlertState): string {
  return JSON.stringify([a.epoch, a.notified, a.depleted ? 1 : 0, a.band, a.dip, a.recoveries]);
}
export function decodeAlerts(s: unknown): AlertState | undefined {
  if (typeof s !== 'string') return undefined;
  const [epoch, notified, depleted, band, dip, recoveries] = JSON.parse(s) as [number, number[], number, number, number, number];
  return { epoch, notified, depleted: depleted === 1, band, dip, recoveries };
}

/** What a guard predicate sees: the stored account, with the operations applied to it. */
export type GuardedState = Omit<AccountState, 'pending' | 'seq'> & { appliedOps: ReadonlySet<string> };

/** One condition as DynamoDB takes it; placeholders are unique to their guard. */
export interface Condition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

type Value<K extends keyof Guard> = Exclude<Guard[K], undefined>;
interface Clause<K extends keyof Guard> {
  condition(v: Value<K>): Condition;
  holds(s: GuardedState, v: Value<K>): boolean;
}

const cond = (expression: string, values: Record<string, unknown> = {}, names: Record<string, string> = {}): Condition => ({ expression, names, values });
const planName = { '#g_plan': 'plan' }; // `plan` is a reserved word in expressions

/** One comparison per named source, all of which must hold (a source that is absent fails each). */
function perSource(tag: string, op: '>=' | '=' | '<=', v: Record<string, number>): Condition {
  const ids = Object.keys(v);
  return {
    expression: ids.length ? ids.map((_, i) => `#${tag}${i} ${op} :${tag}${i}`).join(' AND ') : 'attribute_exists(pk)',
    names: Object.fromEntries(ids.map((id, i) => [`#${tag}${i}`, `${SOURCE}${id}`])),
    values: Object.fromEntries(ids.map((id, i) => [`:${tag}${i}`, v[id]])),
  };
}
const remainingOf = (s: GuardedState, id: string): number | undefined => s.sources.find((x) => x.id === id)?.remaining;
const everySource = (v: Record<string, number>, test: (have: number | undefined, want: number) => boolean) => (s: GuardedState) =>
  Object.entries(v).every(([id, want]) => test(remainingOf(s, id), want));

const CLAUSES: { [K in keyof Guard]-?: Clause<K> } = {
  allowanceAtLeast: { condition: (v) => cond('allowanceRemaining >= :gaal', { ':gaal': v }), holds: (s, v) => s.allowanceRemaining >= v },
  allowanceIs: { condition: (v) => cond('allowanceRemaining = :gai', { ':gai': v }), holds: (s, v) => s.allowanceRemaining === v },
  balanceIs: {
    // An item from before the grants has no `sourced`: it holds 0.
    condition: (v) => cond(`allowanceRemaining = :gbia AND purchased = :gbip AND ${v.sourced === 0 ? '(attribute_not_exists(sourced) OR sourced = :gbis)' : 'sourced = :gbis'}`, { ':gbia': v.allowanceRemaining, ':gbip': v.purchased, ':gbis': v.sourced }),
    holds: (s, v) => s.allowanceRemaining === v.allowanceRemaining && s.purchased === v.purchased && s.sourced === v.sourced,
  },
  allowanceAtMost: { condition: (v) => cond('allowanceRemaining <= :gaam', { ':gaam': v }), holds: (s, v) => s.allowanceRemaining <= v },
  purchasedAtLeast: { condition: (v) => cond('purchased >= :gpal', { ':gpal': v }), holds: (s, v) => s.purchased >= v },
  periodCurrentAt: { condition: (v) => cond('periodEnd > :gpca', { ':gpca': v }), holds: (s, v) => s.periodEnd > v },
  periodEndIs: { condition: (v) => cond('periodEnd = :gpei', { ':gpei': v }), holds: (s, v) => s.periodEnd === v },
  planEventBefore: {
    condition: (v) => cond('(attribute_not_exists(lastPlanEventAt) OR lastPlanEventAt < :gpeb)', { ':gpeb': v }),
    holds: (s, v) => !s.lastPlanEventAt || s.lastPlanEventAt < v,
  },
  opNotApplied: {
    condition: (v) => cond('(attribute_not_exists(appliedOps) OR NOT contains(appliedOps, :gop))', { ':gop': v }),
    holds: (s, v) => !s.appliedOps.has(v),
  },
  lowBalanceNotNotifiedFor: {
    condition: (v) => cond('(attribute_not_exists(lowBalanceNotifiedFor) OR lowBalanceNotifiedFor <> :glb)', { ':glb': v }),
    holds: (s, v) => s.lowBalanceNotifiedFor !== v,
  },
  planIs: { condition: (v) => cond('#g_plan = :gpi', { ':gpi': v }, planName), holds: (s, v) => s.plan === v },
  planIn: {
    condition: (v: readonly PlanId[]) =>
      cond(`#g_plan IN (${v.map((_, i) => `:gpl${i}`).join(', ')})`, Object.fromEntries(v.map((p, i) => [`:gpl${i}`, p])), planName),
    holds: (s, v) => v.includes(s.plan),
  },
  holdExists: { condition: (v) => cond('attribute_exists(#held)', {}, { '#held': `${HOLD}${v}` }), holds: (s, v) => s.holds.some((h) => h.generationId === v) },
  holdAbsent: { condition: (v) => cond('attribute_not_exists(#unheld)', {}, { '#unheld': `${HOLD}${v}` }), holds: (s, v) => !s.holds.some((h) => h.generationId === v) },
  allowanceEpochIs: {
    // Items written before epochs existed have none: they are in epoch 0.
    condition: (v) => cond(v === 0 ? '(attribute_not_exists(allowanceEpoch) OR allowanceEpoch = :gae)' : 'allowanceEpoch = :gae', { ':gae': v }),
    holds: (s, v) => s.allowanceEpoch === v,
  },
  rateWindowOpenAt: { condition: (v) => cond('rlEnd > :grwo', { ':grwo': v }), holds: (s, v) => s.rate !== null && s.rate.windowEnd > v },
  rateWindowEndIs: {
    condition: (v) => (v === null ? cond('attribute_not_exists(rlEnd)') : cond('rlEnd = :grwe', { ':grwe': v })),
    holds: (s, v) => (s.rate?.windowEnd ?? null) === v,
  },
  rateCountBelow: { condition: (v) => cond('rlCount < :grcb', { ':grcb': v }), holds: (s, v) => s.rate !== null && s.rate.count < v },
  rateCountAtLeast: { condition: (v) => cond('rlCount >= :grcal', { ':grcal': v }), holds: (s, v) => s.rate !== null && s.rate.count >= v },
  noCooldownAt: {
    condition: (v) => cond('(attribute_not_exists(rlCooldown) OR rlCooldown <= :gnca)', { ':gnca': v }),
    holds: (s, v) => !s.rate?.cooldownUntil || s.rate.cooldownUntil <= v,
  },
  sourcesVersionIs: {
    condition: (v) => cond(v === 0 ? '(attribute_not_exists(sv) OR sv = :gsv)' : 'sv = :gsv', { ':gsv': v }),
    holds: (s, v) => s.sourcesVersion === v,
  },
  sourcesAtLeast: { condition: (v) => perSource('gsl', '>=', v), holds: (s, v) => everySource(v, (have, want) => have !== undefined && have >= want)(s) },
  sourcesAre: { condition: (v) => perSource('gse', '=', v), holds: (s, v) => everySource(v, (have, want) => have === want)(s) },
  sourcesAtMost: { condition: (v) => perSource('gsm', '<=', v), holds: (s, v) => everySource(v, (have, want) => have !== undefined && have <= want)(s) },
  jobRefundedIs: {
    condition: (v) => cond('#gjr = :gjr', { ':gjr': v.count }, { '#gjr': `${JOB_REFUNDED}${v.jobId}` }),
    holds: (s, v) => s.jobHolds?.find((j) => j.jobId === v.jobId)?.refunded === v.count,
  },
  alertsAre: {
    condition: (v) => (v === null ? cond('attribute_not_exists(al)') : cond('al = :gal', { ':gal': encodeAlerts(v) })),
    holds: (s, v) => (s.alerts ? encodeAlerts(s.alerts) : null) === (v ? encodeAlerts(v) : null),
  },
  outboxBelow: { condition: (v) => cond('(attribute_not_exists(eo) OR size(eo) < :gob)', { ':gob': v }), holds: (s, v) => s.outbox.length < v },
};

/** Every guard the port names (the clause table is complete by its type). */
export const GUARD_KEYS = Object.keys(CLAUSES) as Array<keyof Guard>;

const present = (g: Guard) => (Object.keys(g) as Array<keyof Guard>).filter((k) => g[k] !== undefined);

/** The conditions of a guard, one per clause it sets (pure: no I/O, no state). */
export function guardConditions(g: Guard): Condition[] {
  return present(g).map((k) => (CLAUSES[k] as Clause<typeof k>).condition(g[k] as never));
}

/** Whether the guard holds on this state, exactly as DynamoDB evaluates `guardConditions` on its item. */
export function guardHolds(g: Guard, s: GuardedState): boolean {
  return present(g).every((k) => (CLAUSES[k] as Clause<typeof k>).holds(s, g[k] as never));
}
