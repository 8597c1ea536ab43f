/**
 * Operator usage (`GET /v1/admin/usage`): what the AI cost against what the service sold, per feature and
 * per plan, by UTC day. Generations are read from their own items (each stores its plan, credits, tokens
 * and cost) through the `usage-by-time` index, so the generation path makes no request for it; a failed
 * generation leaves a small fact item on its (refund) path. The hourly job rolls finished days up into one
 * item per day, so a range of months reads a few hundred items and outlives the generations' TTL. Paid
 * top-ups add to day counters on the billing path. Subscription revenue is configuration: each plan's
 * monthly list price times the accounts on it now, over the range's months.
 */
import { FEATURE_IDS, LIMITS, PLAN_IDS, PLANS, modelCostUsd, type FeatureId, type PlanId, type Price } from '../config.ts';
import { ValidationFailed } from './errors.ts';
import type { TokenUsage } from './model.ts';
import type { FailedGeneration, GenerationStore } from './generation-store.ts';

const DAY_MS = 86_400_000;

/** Day counters: `<counter>|<feature or ->|<plan>` → a non-negative integer. */
export type UsageCounters = Record<string, number>;

/** One generation (or failed generation) as the `usage-by-time` index gives it. */
export interface GenerationUsageRow {
  feature: FeatureId;
  plan?: PlanId;
  creditsCharged: number;
  usage?: TokenUsage | null;
  costUsd?: number | null;
  failed?: boolean;
  createdAt: string;
}

export interface UsageStore {
  /** Generations created in [`from`, `to`) (ISO instants), from every shard of the index. */
  generationRows(from: string, to: string): Promise<GenerationUsageRow[]>;
  /** The day rollups of the UTC days `fromDay`..`toDay` (inclusive) that exist, by day. */
  rollups(fromDay: string, toDay: string): Promise<Record<string, UsageCounters>>;
  /** Writes a day's rollup (a Put: recomputing a day rewrites the same item). */
  putRollup(day: string, counters: UsageCounters): Promise<void>;
  /**
   * Adds the counters to the day of `at` (atomic ADD; spread over shards so no one item is hot). Never
   * throws: analytics must not fail a paid-for generation or a top-up (the adapter logs a failure).
   */
  add(at: string, counters: UsageCounters): Promise<void>;
  /** The sum of the counters of the UTC days `fromDay`..`toDay`, inclusive. */
  sum(fromDay: string, toDay: string): Promise<UsageCounters>;
  /** Accounts on each plan now. */
  subscribers(): Promise<Partial<Record<PlanId, number>>>;
}

export interface UsageDeps {
  /** Optional: functions that record nothing (and in-memory fakes) have none. */
  usage?: UsageStore;
}

const C = {
  generations: 'g',
  failures: 'f',
  creditsCharged: 'c',
  creditsRefunded: 'r',
  inputTokens: 'i',
  outputTokens: 'o',
  /** Model cost in nano-USD: counters stay integers, so adding them is exact (a generation costs ~1e-5 USD). */
  costNanoUsd: 'n',
  topUps: 't',
  creditsSold: 's',
  /** Top-up revenue in cents. */
  revenueCents: 'v',
} as const;
const key = (c: string, feature: FeatureId | null, plan: PlanId) => `${c}|${feature ?? '-'}|${plan}`;
const cents = (p: Price) => Math.round(Number(p.amount) * 100);

const add = async (deps: UsageDeps, at: string, counters: UsageCounters): Promise<void> => await deps.usage?.add(at, counters);

/** A generation that failed after its charge (refunded): its fact for operator usage, on the failure path only. */
export async function recordFailure(deps: { generations: Pick<GenerationStore, 'putFailure'> }, f: FailedGeneration): Promise<void> {
  await deps.generations.putFailure?.(f);
}

/** The counters of generation rows (a stored generation, or a failed one, which was refunded). */
export function countRows(rows: readonly GenerationUsageRow[]): UsageCounters {
  const out: UsageCounters = {};
  const inc = (k: string, n: number) => {
    if (n) out[k] = (out[k] ?? 0) + n;
  };
  for (const r of rows) {
    // A generation stored before plans were recorded counts in its feature and the totals, under no plan.
    const k = (c: string) => `${c}|${r.feature}|${r.plan ?? '-'}`;
    inc(k(r.failed ? C.failures : C.generations), 1);
    inc(k(C.creditsCharged), r.creditsCharged);
    if (r.failed) inc(k(C.creditsRefunded), r.creditsCharged);
    if (r.usage) {
      inc(k(C.inputTokens), r.usage.inputTokens);
      inc(k(C.outputTokens), r.usage.outputTokens);
    }
    if (r.costUsd) inc(k(C.costNanoUsd), Math.round(r.costUsd * 1e9));
  }
  return out;
}

const dayStart = (day: string) => `${day}T00:00:00.000Z`;
const addDays = (day: string, n: number) => new Date(Date.parse(dayStart(day)) + n * DAY_MS).toISOString().slice(0, 10);

/**
 * The hourly job's part: rolls yesterday and the day before up from the index (both are recomputed each
 * run, so a generation finishing across midnight or a run that failed is caught up; a Put rewrites the day).
 */
export async function rollUpUsage(deps: Required<UsageDeps> & { clock: { now(): Date } }): Promise<number> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const days = [addDays(today, -2), addDays(today, -1)];
  for (const day of days) await deps.usage.putRollup(day, countRows(await deps.usage.generationRows(dayStart(day), dayStart(addDays(day, 1)))));
  return days.length;
}

/** A paid top-up, credited once (its caller records only the crediting delivery). */
export function recordTopUp(deps: UsageDeps, t: { at: string; plan: PlanId; credits: number; price: Price }): Promise<void> {
  return add(deps, t.at, { [key(C.topUps, null, t.plan)]: 1, [key(C.creditsSold, null, t.plan)]: t.credits, [key(C.revenueCents, null, t.plan)]: cents(t.price) });
}

/** The model cost a stored generation records. */
export const generationCostUsd = (modelId: string, usage: TokenUsage | null, calls: number): number | null => modelCostUsd(modelId, usage, calls) ?? null;

export interface UsageFigures {
  generations: number;
  failures: number;
  creditsCharged: number;
  creditsRefunded: number;
  inputTokens: number;
  outputTokens: number;
  modelCostUsd: number;
}

export interface PlanUsage extends UsageFigures {
  plan: PlanId;
  topUps: { count: number; credits: number; revenueUsd: number };
  subscribers: number;
  subscriptionRevenueUsd: number;
  /** Subscription and top-up revenue less the model cost. */
  marginUsd: number;
}

export interface OperatorUsageView {
  from: string;
  to: string;
  features: Array<{ feature: FeatureId } & UsageFigures>;
  plans: PlanUsage[];
  totals: Omit<PlanUsage, 'plan'>;
}

const usd = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

/** `from`/`to` are UTC days, inclusive; by default the current month up to today. */
export function operatorRange(q: { from?: string; to?: string }, now: Date): { from: string; to: string; days: number } {
  const today = now.toISOString().slice(0, 10);
  const from = q.from ?? `${today.slice(0, 7)}-01`;
  const to = q.to ?? today;
  if (from > to) throw new ValidationFailed([{ path: 'query.to', message: `the range is empty: to ${to} is before from ${from}` }]);
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days > LIMITS.usageMaxDays) throw new ValidationFailed([{ path: 'query.from', message: `the range is longer than ${LIMITS.usageMaxDays} days` }]);
  return { from, to, days };
}

export async function operatorUsage(deps: Required<UsageDeps> & { clock: { now(): Date } }, q: { from?: string; to?: string }): Promise<OperatorUsageView> {
  const { from, to, days } = operatorRange(q, deps.clock.now());
  // Finished days (up to the day before yesterday) from their rollups; any other day of the range live.
  const today = deps.clock.now().toISOString().slice(0, 10);
  const [topUps, rolled, subscribers] = await Promise.all([deps.usage.sum(from, to), deps.usage.rollups(from, to), deps.usage.subscribers()]);
  const live: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) if (!(day <= addDays(today, -2) && rolled[day])) live.push(day);
  const rows = live.length ? (await deps.usage.generationRows(dayStart(live[0]!), dayStart(addDays(live[live.length - 1]!, 1)))).filter((r) => live.includes(r.createdAt.slice(0, 10))) : [];
  // The day counters hold the top-up figures only (generations are counted from their own items).
  const sums: UsageCounters = Object.fromEntries(Object.entries(topUps).filter(([k]) => [C.topUps, C.creditsSold, C.revenueCents].includes(k.split('|')[0] as never)));
  for (const counters of [...Object.entries(rolled).filter(([day]) => !live.includes(day)).map(([, c]) => c), countRows(rows)]) {
    for (const [k, v] of Object.entries(counters)) sums[k] = (sums[k] ?? 0) + v;
  }
  const get = (c: string, feature: FeatureId | '*', plan: PlanId | '*') => {
    let n = 0;
    for (const [k, v] of Object.entries(sums)) {
      const [kc, kf, kp] = k.split('|');
      if (kc === c && (feature === '*' || kf === feature) && (plan === '*' || kp === plan)) n += v;
    }
    return n;
  };
  const figures = (feature: FeatureId | '*', plan: PlanId | '*'): UsageFigures => ({
    generations: get(C.generations, feature, plan),
    failures: get(C.failures, feature, plan),
    creditsCharged: get(C.creditsCharged, feature, plan),
    creditsRefunded: get(C.creditsRefunded, feature, plan),
    inputTokens: get(C.inputTokens, feature, plan),
    outputTokens: get(C.outputTokens, feature, plan),
    modelCostUsd: usd(get(C.costNanoUsd, feature, plan) / 1e9, 6),
  });
  // A month of the range is an average month: a subscription is billed monthly at its list price.
  const months = days / (365.25 / 12);
  const plans = PLAN_IDS.map((plan): PlanUsage => {
    const f = figures('*', plan);
    const topUps = { count: get(C.topUps, '*', plan), credits: get(C.creditsSold, '*', plan), revenueUsd: get(C.revenueCents, '*', plan) / 100 };
    const count = subscribers[plan] ?? 0;
    const subscriptionRevenueUsd = usd(count * Number(PLANS[plan].monthlyPrice.amount) * months, 2);
    return { plan, ...f, topUps, subscribers: count, subscriptionRevenueUsd, marginUsd: usd(subscriptionRevenueUsd + topUps.revenueUsd - f.modelCostUsd, 2) };
  });
  const sum = (pick: (p: PlanUsage) => number) => plans.reduce((n, p) => n + pick(p), 0);
  const all = figures('*', '*');
  return {
    from,
    to,
    features: FEATURE_IDS.map((feature) => ({ feature, ...figures(feature, '*') })),
    plans,
    totals: {
      ...all,
      topUps: { count: sum((p) => p.topUps.count), credits: sum((p) => p.topUps.credits), revenueUsd: usd(sum((p) => p.topUps.revenueUsd), 2) },
      subscribers: sum((p) => p.subscribers),
      subscriptionRevenueUsd: usd(sum((p) => p.subscriptionRevenueUsd), 2),
      marginUsd: usd(sum((p) => p.subscriptionRevenueUsd) + sum((p) => p.topUps.revenueUsd) - all.modelCostUsd, 2),
    },
  };
}
