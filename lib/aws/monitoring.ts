/**
 * What tells the platform team something is wrong, and where they look: one alarm topic (an e-mail
 * subscription from `-c alarmEmail=`), an alarm per failure mode, and one dashboard. The service's own
 * metrics come from `functions/observability/metrics.ts` (EMF, namespace `AiCredits`, `service`
 * dimension); the README's "Operating it" says what each alarm means and what to do.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FEATURE_IDS } from '../../functions/config.ts';
import { METRIC_DESCRIPTIONS, METRICS_NAMESPACE, SERVICE_NAME, type MetricName } from '../../functions/observability/metrics.ts';

/** Thresholds, in one place so the README and the tests can name them. */
export const ALARM_THRESHOLDS = {
  /** Share of API requests answered 5xx, in percent, over 5 minutes. */
  api5xxPercent: 1,
  /** p99 of the API's latency, in ms, over 5 minutes, three periods in a row (generations take seconds). */
  apiP99LatencyMs: 12_000,
  /** Share of generations that failed after the charge, in percent, over 15 minutes. */
  generationFailurePercent: 5,
  /** Bedrock throttles (after the SDK's own retries) in 5 minutes. */
  bedrockThrottles: 5,
} as const;

export interface MonitoringProps {
  alarmEmail?: string;
  api: apigwv2.HttpApi;
  stage: apigwv2.HttpStage;
  functions: ReadonlyMap<string, lambda.Function>;
  /** Every dead-letter and on-failure queue of the stack. */
  queues: readonly sqs.IQueue[];
  /** The work queues (lib/wiring.ts `consumes`): alarmed when their oldest message waits too long. */
  workQueues?: readonly sqs.IQueue[];
  /** Bedrock model ids the functions call, for the throttling alarm and dashboard. */
  bedrockModelIds: readonly string[];
}

/** A metric of the service's own (EMF) namespace, with exactly these dimensions besides `service`. */
export function serviceMetric(name: MetricName, opts: { statistic?: string; period?: Duration; dimensions?: Record<string, string>; label?: string } = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME, ...opts.dimensions },
    statistic: opts.statistic ?? 'Sum',
    period: opts.period ?? Duration.minutes(5),
    label: opts.label,
  });
}

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: cwActions.SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    // CloudWatch may only publish to an encrypted topic whose key it is allowed to use.
    const key = new kms.Key(this, 'AlarmKey', { enableKeyRotation: true, description: 'ai-credits alarm topic' });
    key.grantEncryptDecrypt(new iam.ServicePrincipal('cloudwatch.amazonaws.com'));
    this.topic = new sns.Topic(this, 'Alarms', { masterKey: key, enforceSSL: true, displayName: 'ai-credits alarms' });
    if (props.alarmEmail) this.topic.addSubscription(new subs.EmailSubscription(props.alarmEmail));
    this.action = new cwActions.SnsAction(this.topic);

    const t = ALARM_THRESHOLDS;
    const fiveMin = Duration.minutes(5);

    // The API: 5xx rate and tail latency (both from the stage's own metrics).
    const requests = props.stage.metricCount({ period: fiveMin, statistic: 'Sum' });
    const errors5xx = props.stage.metricServerError({ period: fiveMin, statistic: 'Sum' });
    this.alarm('Api5xxRate', {
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: { errors: errors5xx, requests },
        period: fiveMin,
        label: 'API 5xx %',
      }),
      threshold: t.api5xxPercent,
      description: `More than ${t.api5xxPercent}% of API requests answered 5xx over 5 minutes.`,
    });
    const latency = props.stage.metricLatency({ period: fiveMin, statistic: 'p99' });
    this.alarm('ApiP99Latency', {
      metric: latency,
      threshold: t.apiP99LatencyMs,
      evaluationPeriods: 3,
      description: `API p99 latency above ${t.apiP99LatencyMs} ms for 15 minutes.`,
    });

    // Every function: errors (an unhandled throw, a timeout) or throttles (concurrency exhausted), in one
    // alarm each: two per function would put the stack past CloudFormation's 500 resources (see the
    // resource budget in test/infra/operations.test.ts). Its description says how to tell the two apart.
    for (const [fnId, fn] of props.functions) {
      this.alarm(`Fn-${fnId}-ErrorsOrThrottles`, {
        metric: new cloudwatch.MathExpression({
          expression: 'FILL(errors, 0) + FILL(throttles, 0)',
          usingMetrics: { errors: fn.metricErrors({ period: fiveMin, statistic: 'Sum' }), throttles: fn.metricThrottles({ period: fiveMin, statistic: 'Sum' }) },
          period: fiveMin,
          label: `${fnId} errors + throttles`,
        }),
        threshold: 0,
        description: `Function ${fnId} failed (threw or timed out) or was throttled (no concurrency left) in the last 5 minutes: the dashboard's "Function errors" and "Throttles" widgets say which.`,
      });
    }

    // Every dead-letter / on-failure queue: a message there is an event, a schedule or an invocation that failed for good.
    props.queues.forEach((q) => {
      const name = q.node.path.split('/').slice(1).join('-');
      this.alarm(`Queue-${name}-NotEmpty`, {
        metric: q.metricApproximateNumberOfMessagesVisible({ period: fiveMin, statistic: 'Maximum' }),
        threshold: 0,
        description: `Queue ${q.node.path} has messages: something failed after all retries and waits for a redrive.`,
      });
    });

    // A work queue whose oldest message waits half an hour (retries are delayed at most 15): its consumer is failing, throttled or too slow.
    (props.workQueues ?? []).forEach((q) => {
      const name = q.node.path.split('/').slice(1).join('-');
      this.alarm(`Queue-${name}-Backlog`, {
        metric: q.metricApproximateAgeOfOldestMessage({ period: fiveMin, statistic: 'Maximum' }),
        threshold: 30 * 60,
        description: `The oldest message of queue ${q.node.path} has waited over 30 minutes: its consumer fails, is throttled or falls behind.`,
      });
    });

    // The monthly refresh: failures, or a run that stopped before reaching every due account.
    const hour = Duration.hours(1);
    this.alarm('RefreshFailedOrIncomplete', {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failures, 0) + FILL(incomplete, 0)',
        usingMetrics: { failures: serviceMetric('RefreshFailures', { period: hour }), incomplete: serviceMetric('RefreshIncomplete', { period: hour }) },
        period: hour,
        label: 'refresh failures + incomplete runs',
      }),
      threshold: 0,
      description: 'The monthly refresh job failed on some accounts or did not reach every due account in its run.',
    });

    // Outbound webhooks given up (24 h of failed attempts to one endpoint): the receiver missed events for good.
    this.alarm('WebhookDeliveriesGivenUp', {
      metric: serviceMetric('WebhookGivenUp', { period: fiveMin }),
      threshold: 0,
      description: 'An outbound webhook delivery was given up after 24 h of failed attempts (the log line "webhook delivery given up" names the endpoint and event).',
    });

    // Bedrock throttling, as Bedrock counts it (the SDK's retries hide some from the service's own metrics).
    const throttles = props.bedrockModelIds.map(
      (modelId) =>
        new cloudwatch.Metric({ namespace: 'AWS/Bedrock', metricName: 'InvocationThrottles', dimensionsMap: { ModelId: modelId }, statistic: 'Sum', period: fiveMin }),
    );
    this.alarm('BedrockThrottling', {
      metric: new cloudwatch.MathExpression({
        expression: throttles.map((_, i) => `FILL(t${i}, 0)`).join(' + '),
        usingMetrics: Object.fromEntries(throttles.map((m, i) => [`t${i}`, m])),
        period: fiveMin,
        label: 'Bedrock throttles',
      }),
      threshold: t.bedrockThrottles - 1,
      description: `Bedrock throttled at least ${t.bedrockThrottles} model calls in 5 minutes: raise the model's quota or slow down.`,
    });

    // Generations that failed after the charge (refunded 502s), as a share of those that reached the model.
    const quarter = Duration.minutes(15);
    const failed = serviceMetric('GenerationFailed', { period: quarter });
    const succeeded = serviceMetric('GenerationSucceeded', { period: quarter });
    this.alarm('GenerationFailureRate', {
      metric: new cloudwatch.MathExpression({
        expression: 'IF(FILL(ok, 0) + FILL(failed, 0) > 0, 100 * FILL(failed, 0) / (FILL(ok, 0) + FILL(failed, 0)), 0)',
        usingMetrics: { failed, ok: succeeded },
        period: quarter,
        label: 'generation failure %',
      }),
      threshold: t.generationFailurePercent,
      description: `More than ${t.generationFailurePercent}% of generations failed (502, refunded) over 15 minutes.`,
    });

    this.dashboard = this.buildDashboard(props, { requests, errors5xx, latency, throttles });
  }

  private alarm(id: string, o: { metric: cloudwatch.IMetric; threshold: number; description: string; evaluationPeriods?: number }): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: o.metric,
      threshold: o.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: o.evaluationPeriods ?? 1,
      // No data is no traffic (or no failure): not an alarm.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: o.description,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(
    props: MonitoringProps,
    m: { requests: cloudwatch.IMetric; errors5xx: cloudwatch.IMetric; latency: cloudwatch.IMetric; throttles: cloudwatch.IMetric[] },
  ): cloudwatch.Dashboard {
    const minute = Duration.minutes(1);
    const day = Duration.days(1);
    const fns = [...props.functions.entries()];
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Generations per minute by feature',
        width: 12,
        left: FEATURE_IDS.map((f) => serviceMetric('GenerationSucceeded', { period: minute, dimensions: { feature: f }, label: f })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Generation outcomes per minute',
        width: 12,
        left: [
          serviceMetric('GenerationSucceeded', { period: minute, label: 'succeeded' }),
          serviceMetric('GenerationRefused', { period: minute, label: 'refused (4xx)' }),
          serviceMetric('GenerationFailed', { period: minute, label: 'failed (502, refunded)' }),
        ],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Credits charged and refunded',
        width: 8,
        left: [serviceMetric('CreditsCharged', { label: 'charged' }), serviceMetric('CreditsRefunded', { label: 'refunded' })],
      }),
      new cloudwatch.GraphWidget({
        title: 'Model latency (ms)',
        width: 8,
        left: [
          serviceMetric('ModelLatency', { statistic: 'p50', label: 'p50' }),
          serviceMetric('ModelLatency', { statistic: 'p99', label: 'p99' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Model cost per day (USD, estimated) and tokens',
        width: 8,
        left: [serviceMetric('ModelCostUsd', { period: day, label: 'USD per day' })],
        right: [serviceMetric('InputTokens', { period: day, label: 'input tokens' }), serviceMetric('OutputTokens', { period: day, label: 'output tokens' })],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests, 5xx and p99 latency',
        width: 8,
        left: [m.requests, m.errors5xx],
        right: [m.latency],
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        width: 8,
        left: fns.map(([id, fn]) => fn.metricErrors({ statistic: 'Sum', label: id })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Throttles (functions, Bedrock)',
        width: 8,
        left: fns.map(([id, fn]) => fn.metricThrottles({ statistic: 'Sum', label: id })),
        right: m.throttles,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Refusals by code, cooldowns, webhooks rejected',
        width: 12,
        left: ['INSUFFICIENT_CREDITS', 'COOLDOWN_ACTIVE', 'PLAN_UPGRADE_REQUIRED', 'NOT_FOUND', 'VALIDATION_FAILED'].map((code) =>
          serviceMetric('GenerationRefused', { dimensions: { code }, label: code }),
        ),
        right: [serviceMetric('CooldownStarted', { label: 'cooldowns' }), serviceMetric('WebhookRejected', { label: 'webhooks rejected' }), serviceMetric('TopUpPaid', { label: 'top-ups paid' })],
      }),
      new cloudwatch.GraphWidget({
        title: 'Outbound webhooks',
        width: 12,
        left: [serviceMetric('WebhookDelivered', { label: 'delivered' }), serviceMetric('WebhookAttemptFailed', { label: 'attempts failed' })],
        right: [serviceMetric('WebhookGivenUp', { label: 'given up' })],
      }),
      new cloudwatch.GraphWidget({
        title: 'Monthly refresh (per hour)',
        width: 12,
        left: [serviceMetric('RefreshAccounts', { period: Duration.hours(1), label: 'refreshed' })],
        right: [serviceMetric('RefreshFailures', { period: Duration.hours(1), label: 'failures' }), serviceMetric('RefreshIncomplete', { period: Duration.hours(1), label: 'incomplete runs' })],
      }),
    );
    // What each service metric counts, beside the graphs (the catalogue's own words).
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        width: 24,
        height: 6,
        markdown: ['### Service metrics (namespace `' + METRICS_NAMESPACE + '`)', '', '| Metric | Counts |', '|---|---|', ...Object.entries(METRIC_DESCRIPTIONS).map(([name, what]) => `| ${name} | ${what} |`)].join('\n'),
      }),
    );
    return dashboard;
  }
}
