/**
 * Every metric the service emits, its unit and its dimension sets: the one catalogue that the code
 * emitting them, the CDK alarms and dashboard (`lib/aws/monitoring.ts`) and the local stack's
 * `GET /local/metrics` all read, so a name is the same in AWS and locally.
 *
 * Metrics are written as CloudWatch Embedded Metric Format (EMF) lines on stdout by Powertools Metrics;
 * CloudWatch Logs extracts them in AWS, the local stack parses the same lines. Each dimension set
 * becomes its own CloudWatch metric (`service` is always added), so an alarm can read the
 * service-wide total (`[]`) and the dashboard the breakdowns.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { GenericLogger } from '@aws-lambda-powertools/commons/types';
import { log } from './log.ts';

/** `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_METRICS_NAMESPACE` of every function (CDK sets both). */
export const SERVICE_NAME = 'ai-credits';
export const METRICS_NAMESPACE = 'AiCredits';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
export type DimensionName = 'feature' | 'plan' | 'code' | 'reason';

export interface MetricSpec {
  unit: Unit;
  /** Dimension sets besides `service`; a set is emitted only when all of its dimensions are given. */
  dimensions: readonly (readonly DimensionName[])[];
}

const BY_FEATURE_AND_PLAN = [['feature', 'plan'], ['feature'], []] as const;

export const METRICS = {
  GenerationSucceeded: { unit: MetricUnit.Count, dimensions: BY_FEATURE_AND_PLAN },
  GenerationRefused: { unit: MetricUnit.Count, dimensions: [['feature', 'code'], ['plan', 'code'], ['code'], []] },
  GenerationFailed: { unit: MetricUnit.Count, dimensions: [...BY_FEATURE_AND_PLAN, ['reason']] },
  CreditsCharged: { unit: MetricUnit.Count, dimensions: BY_FEATURE_AND_PLAN },
  CreditsRefunded: { unit: MetricUnit.Count, dimensions: [...BY_FEATURE_AND_PLAN, ['reason']] },
  ModelLatency: { unit: MetricUnit.Milliseconds, dimensions: [['feature'], []] },
  InputTokens: { unit: MetricUnit.Count, dimensions: BY_FEATURE_AND_PLAN },
  OutputTokens: { unit: MetricUnit.Count, dimensions: BY_FEATURE_AND_PLAN },
  ModelCostUsd: { unit: MetricUnit.NoUnit, dimensions: BY_FEATURE_AND_PLAN },
  CooldownStarted: { unit: MetricUnit.Count, dimensions: [[]] },
  TopUpPaid: { unit: MetricUnit.Count, dimensions: [[]] },
  RefreshAccounts: { unit: MetricUnit.Count, dimensions: [[]] },
  RefreshFailures: { unit: MetricUnit.Count, dimensions: [[]] },
  RefreshIncomplete: { unit: MetricUnit.Count, dimensions: [[]] },
  WebhookRejected: { unit: MetricUnit.Count, dimensions: [['reason'], []] },
  WebhookDelivered: { unit: MetricUnit.Count, dimensions: [[]] },
  WebhookAttemptFailed: { unit: MetricUnit.Count, dimensions: [['reason'], []] },
  WebhookGivenUp: { unit: MetricUnit.Count, dimensions: [['reason'], []] },
} as const satisfies Record<string, MetricSpec>;

/**
 * What each metric counts (the catalogue's words for dashboards and docs). Apart from the specs above, so
 * the function bundles, which emit metrics but never describe them, leave these strings out.
 */
export const METRIC_DESCRIPTIONS = {
  GenerationSucceeded: 'Generations stored (201)',
  GenerationRefused: 'Generations refused before the model (403, 404, 400, 429, 402), by error code',
  GenerationFailed: 'Generations that failed after the charge (502, refunded), by model failure kind',
  CreditsCharged: 'Credits charged for generations',
  CreditsRefunded: 'Credits refunded after failed generations',
  ModelLatency: 'Time in the model call(s) of a generation',
  InputTokens: 'Model input tokens',
  OutputTokens: 'Model output tokens',
  ModelCostUsd: 'Estimated model cost in USD (MODEL_PRICES in config.ts)',
  CooldownStarted: 'Rate-limit cooldowns started',
  TopUpPaid: 'Top-ups paid and credited',
  RefreshAccounts: 'Accounts the monthly refresh job refreshed',
  RefreshFailures: 'Accounts (or index shards) the refresh job failed on',
  RefreshIncomplete: '1 when a refresh run stopped before every due account was reached',
  WebhookRejected: 'Billing webhooks refused (bad signature, invalid body)',
  WebhookDelivered: 'Outbound webhook attempts answered 2xx',
  WebhookAttemptFailed: 'Outbound webhook attempts that failed (non-2xx, timeout, connection, address refused), by reason',
  WebhookGivenUp: 'Outbound webhook deliveries given up 24 h after their first attempt',
} as const satisfies Record<keyof typeof METRICS, string>;

export type MetricName = keyof typeof METRICS;
export type Dimensions = Partial<Record<DimensionName, string>>;

/**
 * Metrics' own diagnostics go to the service logger. Two of its warnings say nothing wrong here and
 * are logged at debug: "no application metrics" fires on every invocation that emitted none (most
 * reads), and "defined as both a dimension set and dimension set" on every metric with nested sets
 * (`[feature, plan]` and `[feature]` share `feature`, on purpose, with the same value).
 */
const EXPECTED = /^(No application metrics|EMF key "\w+" is defined as both a dimension set and dimension set)/;
const diagnostics: GenericLogger = {
  debug: (...a: unknown[]) => log.debug(String(a[0]), ...(a.slice(1) as [])),
  info: (...a: unknown[]) => log.info(String(a[0]), ...(a.slice(1) as [])),
  warn: (...a: unknown[]) => (EXPECTED.test(String(a[0])) ? log.debug(String(a[0])) : log.warn(String(a[0]), ...(a.slice(1) as []))),
  error: (...a: unknown[]) => log.error(String(a[0]), ...(a.slice(1) as [])),
};

const options = () => ({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME,
  logger: diagnostics,
});

/** The instance of the middy stack's `logMetrics` (the `ColdStart` metric, and a flush per invocation). */
export const metrics = new Metrics(options());

/**
 * Emits metrics now, each with exactly the dimension sets the catalogue gives it. Metrics sharing the
 * same sets go out as one EMF line. A fresh Powertools instance per call keeps the dimensions of
 * concurrent invocations (the local stack runs many in one process) from mixing.
 */
export function emit(values: Partial<Record<MetricName, number>>, dims: Dimensions = {}): void {
  const groups = new Map<string, { sets: (readonly DimensionName[])[]; entries: Array<[MetricName, number]> }>();
  for (const [name, value] of Object.entries(values) as Array<[MetricName, number | undefined]>) {
    if (value === undefined || !Number.isFinite(value)) continue;
    const sets = METRICS[name].dimensions.filter((set) => set.every((d) => dims[d]));
    const key = JSON.stringify(sets);
    const group = groups.get(key) ?? { sets, entries: [] };
    group.entries.push([name, value]);
    groups.set(key, group);
  }
  for (const { sets, entries } of groups.values()) {
    const m = new Metrics(options());
    for (const set of sets) m.addDimensions(Object.fromEntries(set.map((d) => [d, dims[d]!])));
    for (const [name, value] of entries) m.addMetric(name, METRICS[name].unit, value);
    m.publishStoredMetrics();
  }
}
