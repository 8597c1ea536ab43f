/**
 * Operating the stack, asserted on the synthesised template: the alarm topic and every alarm with its
 * action, the dashboard, the Powertools configuration of every function, capacity settings and data
 * protection. Built from the real wiring with stand-in code, like credits-stack.test.ts.
 */
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_IDS } from '#config';
import { METRIC_DESCRIPTIONS, METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability/metrics.ts';
import { CreditsStack } from '#lib/aws/credits-stack.ts';
import { ALARM_THRESHOLDS } from '#lib/aws/monitoring.ts';
import { DEFAULT_SETTINGS, settingsFromContext, type Settings } from '#lib/aws/settings.ts';
import { FUNCTIONS, TABLE } from '#lib/wiring.ts';

const standIn = () => lambda.Code.fromInline('export const handler = async () => ({ statusCode: 200 });');

function build(settings: Partial<Settings> = {}, region?: string) {
  const app = new App({ builtinCloudFormationValidation: false, treeMetadata: false });
  const stack = new CreditsStack(app, 'Ops', { settings: { ...DEFAULT_SETTINGS, ...settings }, functions: FUNCTIONS, codeFor: standIn, ...(region ? { env: { region } } : {}) });
  const template = Template.fromStack(stack);
  return { stack, template, json: template.toJSON() as { Resources: Record<string, { Type: string; Properties: any; DeletionPolicy?: string; DependsOn?: string[] }> } };
}

type Built = ReturnType<typeof build>;
const logicalId = (b: Built, c: { node: { defaultChild?: unknown } }) => b.stack.getLogicalId(c.node.defaultChild as CfnElement);
const ofType = (b: Built, type: string) => Object.entries(b.json.Resources).filter(([, r]) => r.Type === type);
const alarms = (b: Built) => ofType(b, 'AWS::CloudWatch::Alarm').map(([id, r]) => ({ id, ...r.Properties }));
/** Every metric an alarm reads, whether it is a plain metric alarm or metric math. */
const metricsOf = (a: any): Array<{ MetricName: string; Namespace: string; Dimensions?: Array<{ Name: string; Value: unknown }> }> =>
  a.MetricName ? [a] : (a.Metrics ?? []).filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);
const expressionOf = (a: any): string => (a.Metrics ?? []).find((m: any) => m.Expression)?.Expression ?? '';
const envOf = (b: Built, fnId: string) => b.json.Resources[logicalId(b, b.stack.functions.get(fnId)!.fn)]!.Properties.Environment.Variables;

let b: Built;
beforeAll(() => {
  b = build({ alarmEmail: 'ops@example.com' });
});

describe('alarm topic', () => {
  it('is one KMS-encrypted SNS topic that CloudWatch may publish to, with the -c alarmEmail address subscribed', () => {
    const topics = ofType(b, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    expect(topics[0]![1].Properties.KmsMasterKeyId).toBeDefined();
    b.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topics[0]![0] } });
    expect(JSON.stringify(ofType(b, 'AWS::KMS::Key')[0]![1].Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
  });

  it('without alarmEmail, the topic and alarms still exist, with no subscription; the context key is read', () => {
    const quiet = build();
    expect(ofType(quiet, 'AWS::SNS::Topic')).toHaveLength(1);
    expect(ofType(quiet, 'AWS::SNS::Subscription')).toHaveLength(0);
    expect(alarms(quiet).length).toBe(alarms(b).length);
    expect(settingsFromContext(new App({ context: { alarmEmail: 'a@b.example' } }).node).alarmEmail).toBe('a@b.example');
  });

  it('is the alarm and OK action of every alarm', () => {
    const topic = { Ref: logicalId(b, b.stack.monitoring.topic) };
    expect(alarms(b).length).toBeGreaterThan(0);
    for (const a of alarms(b)) {
      expect(a.AlarmActions, a.id).toEqual([topic]);
      expect(a.OKActions, a.id).toEqual([topic]);
      expect(a.TreatMissingData, a.id).toBe('notBreaching');
      expect(String(a.AlarmDescription).length, a.id).toBeGreaterThan(20);
    }
  });
});

describe('alarms', () => {
  const stageDims = () => [
    { Name: 'ApiId', Value: { Ref: logicalId(b, b.stack.api) } },
    { Name: 'Stage', Value: '$default' },
  ];

  it('API 5xx rate: 100 × 5xx / Count of the stage above 1 % over 5 minutes', () => {
    const a = alarms(b).find((x) => metricsOf(x).some((m) => m.MetricName === '5xx'))!;
    expect(a).toBeDefined();
    expect(metricsOf(a).map((m) => m.MetricName).sort()).toEqual(['5xx', 'Count']);
    for (const m of metricsOf(a)) {
      expect(m.Namespace).toBe('AWS/ApiGateway');
      expect(m.Dimensions).toEqual(stageDims());
    }
    expect(expressionOf(a)).toContain('100 * errors / requests');
    expect([a.Threshold, a.ComparisonOperator, a.EvaluationPeriods]).toEqual([ALARM_THRESHOLDS.api5xxPercent, 'GreaterThanThreshold', 1]);
  });

  it('API p99 latency above the threshold for three 5-minute periods', () => {
    const a = alarms(b).find((x) => x.MetricName === 'Latency')!;
    expect(a).toMatchObject({ Namespace: 'AWS/ApiGateway', ExtendedStatistic: 'p99', Period: 300, EvaluationPeriods: 3, Threshold: ALARM_THRESHOLDS.apiP99LatencyMs });
    expect(a.Dimensions).toEqual(stageDims());
  });

  it('every function: one alarm on any error or any throttle in 5 minutes (the sum of both)', () => {
    for (const spec of FUNCTIONS) {
      const fnRef = { Ref: logicalId(b, b.stack.functions.get(spec.id)!.fn) };
      const ofFn = (a: any) => metricsOf(a).filter((m) => m.Namespace === 'AWS/Lambda' && JSON.stringify(m.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: fnRef }]));
      const found = alarms(b).filter((a) => ofFn(a).length > 0);
      expect(found, spec.id).toHaveLength(1);
      expect(ofFn(found[0]).map((m) => m.MetricName).sort(), spec.id).toEqual(['Errors', 'Throttles']);
      expect(expressionOf(found[0])).toBe('FILL(errors, 0) + FILL(throttles, 0)');
      expect(found[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      for (const m of found[0].Metrics.filter((x: any) => x.MetricStat)) expect(m.MetricStat).toMatchObject({ Stat: 'Sum', Period: 300 });
    }
  });

  it('the stack keeps 5 % of CloudFormation\'s 500-resource limit free (synth fails past 500; the next step is a nested stack)', () => {
    expect(Object.keys(b.json.Resources).length).toBeLessThanOrEqual(475);
  });

  it('every queue of deadLetterQueues (rule and schedule DLQs, the one-time schedules DLQ, on-failure queues): non-empty', () => {
    expect(b.stack.deadLetterQueues.length).toBeGreaterThanOrEqual(3);
    // Besides them only the work queues themselves (whose dead-letter queues are among them).
    expect(ofType(b, 'AWS::SQS::Queue')).toHaveLength(b.stack.deadLetterQueues.length + b.stack.workQueues.size);
    for (const q of b.stack.deadLetterQueues) {
      const found = alarms(b).filter(
        (a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(b, q), 'QueueName'] } }]),
      );
      expect(found, q.node.path).toHaveLength(1);
      expect(found[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('the monthly refresh: its RefreshFailures plus RefreshIncomplete above 0 in an hour', () => {
    const a = alarms(b).find((x) => metricsOf(x).some((m) => m.MetricName === 'RefreshFailures'))!;
    expect(metricsOf(a).map((m) => m.MetricName).sort()).toEqual(['RefreshFailures', 'RefreshIncomplete']);
    for (const m of metricsOf(a)) expect(m).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [{ Name: 'service', Value: SERVICE_NAME }] });
    expect(expressionOf(a)).toBe('FILL(failures, 0) + FILL(incomplete, 0)');
    expect(a.Threshold).toBe(0);
    expect(a.Metrics.find((m: any) => m.MetricStat).MetricStat.Period).toBe(3600);
  });

  it('Bedrock throttling: InvocationThrottles of each configured model, at least the threshold in 5 minutes', () => {
    const a = alarms(b).find((x) => metricsOf(x).some((m) => m.MetricName === 'InvocationThrottles'))!;
    const models = metricsOf(a).map((m) => (m.Dimensions ?? []).find((d) => d.Name === 'ModelId')!.Value).sort();
    // CloudWatch alarms read their own Region's metrics: the image model (called in bedrockImageRegion) is
    // watched only by a stack in that Region.
    expect(models).toEqual([DEFAULT_SETTINGS.bedrockModelId]);
    // A stack deployed in the image model's Region watches both.
    const here = build({ bedrockImageRegion: 'us-east-1' }, 'us-east-1');
    const both = alarms(here).find((x) => metricsOf(x).some((m) => m.MetricName === 'InvocationThrottles'))!;
    expect(metricsOf(both).map((m) => (m.Dimensions ?? []).find((d) => d.Name === 'ModelId')!.Value).sort()).toEqual([DEFAULT_SETTINGS.bedrockImageModelId, DEFAULT_SETTINGS.bedrockModelId].sort());
    for (const m of metricsOf(a)) expect(m.Namespace).toBe('AWS/Bedrock');
    expect(a.Threshold).toBe(ALARM_THRESHOLDS.bedrockThrottles - 1);
  });

  it('generation failure rate: GenerationFailed / (GenerationSucceeded + GenerationFailed) above 5 % over 15 minutes (metric math)', () => {
    const a = alarms(b).find((x) => metricsOf(x).some((m) => m.MetricName === 'GenerationFailed'))!;
    expect(metricsOf(a).map((m) => m.MetricName).sort()).toEqual(['GenerationFailed', 'GenerationSucceeded']);
    for (const m of metricsOf(a)) expect(m).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [{ Name: 'service', Value: SERVICE_NAME }] });
    expect(expressionOf(a)).toContain('100 * FILL(failed, 0) / (FILL(ok, 0) + FILL(failed, 0))');
    expect(a.Threshold).toBe(5);
    for (const m of a.Metrics.filter((x: any) => x.MetricStat)) expect(m.MetricStat).toMatchObject({ Period: 900, Stat: 'Sum' });
  });

  it('outbound webhooks: the outbound queue feeds webhook-deliver (partial batch failures), its dead-letter queue and backlog are alarmed, and any WebhookGivenUp in 5 minutes alarms', () => {
    const queue = b.stack.workQueues.get('outbound')!;
    const queueId = logicalId(b, queue);
    b.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: logicalId(b, b.stack.functions.get('webhook-deliver')!.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const redrive = b.json.Resources[queueId]!.Properties.RedrivePolicy;
    expect(redrive.maxReceiveCount).toBe(FUNCTIONS.find((f) => f.id === 'webhook-deliver')!.consumes!.maxReceiveCount);
    const dlqId = redrive.deadLetterTargetArn['Fn::GetAtt'][0] as string;
    expect(b.json.Resources[dlqId]!.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const onQueue = (id: string, metric: string) => alarms(b).filter((a) => a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]));
    expect(onQueue(dlqId, 'ApproximateNumberOfMessagesVisible')).toHaveLength(1);
    expect(onQueue(queueId, 'ApproximateAgeOfOldestMessage')).toHaveLength(1);
    const givenUp = alarms(b).filter((a) => a.MetricName === 'WebhookGivenUp');
    expect(givenUp).toHaveLength(1);
    expect(givenUp[0]).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [{ Name: 'service', Value: SERVICE_NAME }], Statistic: 'Sum', Period: 300, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('the outbound signing key: a generated secret, retained, readable by the functions that register endpoints and deliver, and by no other', () => {
    const [id, secret] = ofType(b, 'AWS::SecretsManager::Secret').find(([x]) => x.startsWith('OutboundSigningKey'))!;
    expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    expect(secret.DeletionPolicy).toBe('Retain');
    const readers = FUNCTIONS.filter((f) => envOf(b, f.id)?.OUTBOUND_SIGNING_KEY_ARN).map((f) => f.id);
    expect(readers.sort()).toEqual(['webhook-deliver', 'webhook-endpoints-create']);
    for (const fnId of readers) expect(envOf(b, fnId).OUTBOUND_SIGNING_KEY_ARN).toEqual({ Ref: id });
  });

  it('are exactly those: 2 API, 1 per function, 1 per dead-letter queue, 1 backlog per work queue, refresh, Bedrock, generation failure rate and webhooks given up', () => {
    expect(alarms(b)).toHaveLength(2 + FUNCTIONS.length + b.stack.deadLetterQueues.length + b.stack.workQueues.size + 4);
  });
});

describe('dashboard', () => {
  it('shows generations per minute by feature, credits charged and refunded, model latency p50/p99, cost per day, errors and throttles', () => {
    const dashboards = ofType(b, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    // A fixed name would collide between stages and redeploys: CloudFormation names it.
    expect(dashboards[0]![1].Properties.DashboardName).toBeUndefined();
    const body = JSON.stringify(dashboards[0]![1].Properties.DashboardBody);
    for (const title of ['Generations per minute by feature', 'Credits charged and refunded', 'Model latency (ms)', 'Model cost per day', 'Function errors', 'Throttles (functions, Bedrock)']) {
      expect(body).toContain(title);
    }
    for (const f of FEATURE_IDS) expect(body).toContain(`\\"feature\\",\\"${f}\\"`);
    for (const name of ['GenerationSucceeded', 'CreditsCharged', 'CreditsRefunded', 'ModelLatency', 'ModelCostUsd', 'InvocationThrottles', 'Errors', 'Throttles']) expect(body).toContain(name);
    expect(body).toContain('\\"stat\\":\\"p50\\"');
    expect(body).toContain('\\"stat\\":\\"p99\\"');
    expect(body).toContain('\\"period\\":86400');
    expect(body).toContain('\\"period\\":60');
    // And what every service metric counts, in the catalogue's words.
    for (const [name, what] of Object.entries(METRIC_DESCRIPTIONS)) expect(body).toContain(`| ${name} | ${what} |`);
  });
});

describe('Powertools on every function', () => {
  it('names the service and the metric namespace the code emits under, and traces actively (Tracer on in AWS)', () => {
    for (const spec of FUNCTIONS) {
      const env = envOf(b, spec.id);
      expect(env, spec.id).toMatchObject({ POWERTOOLS_SERVICE_NAME: SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE });
      // The Tracer is switched off only locally.
      expect(env.POWERTOOLS_TRACE_ENABLED, spec.id).toBeUndefined();
      expect(b.json.Resources[logicalId(b, b.stack.functions.get(spec.id)!.fn)]!.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });
});

describe('capacity', () => {
  it('throttles the billing webhook route on its own, apart from the stage default the merchant routes share', () => {
    const [[stageId, stage]] = ofType(b, 'AWS::ApiGatewayV2::Stage') as Array<[string, any]>;
    const webhooks = FUNCTIONS.flatMap((f) => (f.routes ?? []).filter((r) => r.auth === 'none').map((r) => `${r.method} ${r.path}`));
    expect(webhooks).toContain('POST /v1/webhooks/subscriptions');
    expect(Object.keys(stage.Properties.RouteSettings).sort()).toEqual(webhooks.sort());
    for (const key of webhooks) {
      expect(stage.Properties.RouteSettings[key]).toEqual({ ThrottlingRateLimit: DEFAULT_SETTINGS.webhookThrottleRateLimit, ThrottlingBurstLimit: DEFAULT_SETTINGS.webhookThrottleBurstLimit });
    }
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: DEFAULT_SETTINGS.throttleRateLimit, ThrottlingBurstLimit: DEFAULT_SETTINGS.throttleBurstLimit });
    // The stage names the routes by key, so it must be created after them.
    const routeIds = ofType(b, 'AWS::ApiGatewayV2::Route').filter(([, r]) => webhooks.includes(r.Properties.RouteKey)).map(([id]) => id);
    for (const id of routeIds) expect(b.json.Resources[stageId]!.DependsOn).toContain(id);
  });

  it('reserves concurrency for billing-events and monthly-refresh (from the wiring), and for no merchant function', () => {
    for (const spec of FUNCTIONS) {
      const props = b.json.Resources[logicalId(b, b.stack.functions.get(spec.id)!.fn)]!.Properties;
      expect(props.ReservedConcurrentExecutions, spec.id).toBe(spec.reservedConcurrency);
    }
    expect(FUNCTIONS.find((f) => f.id === 'billing-events')!.reservedConcurrency).toBeGreaterThan(0);
    expect(FUNCTIONS.find((f) => f.id === 'monthly-refresh')!.reservedConcurrency).toBe(1);
    expect(FUNCTIONS.filter((f) => f.routes?.some((r) => r.auth === 'jwt')).every((f) => f.reservedConcurrency === undefined)).toBe(true);
  });
});

describe('data protection', () => {
  it('retains the webhook secret when the stack is deleted or replaces it', () => {
    const [[, secret]] = ofType(b, 'AWS::SecretsManager::Secret');
    expect(secret.DeletionPolicy).toBe('Retain');
    expect((secret as { UpdateReplacePolicy?: string }).UpdateReplacePolicy).toBe('Retain');
  });

  it('backs the main table up daily, keeping each backup 35 days, in a retained vault whose name is new for every stack', () => {
    const [[, plan]] = ofType(b, 'AWS::Backup::BackupPlan');
    const rules = plan.Properties.BackupPlan.BackupPlanRule;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } });
    const [[vaultId, vault]] = ofType(b, 'AWS::Backup::BackupVault');
    expect(rules[0].TargetBackupVault).toEqual({ 'Fn::GetAtt': [vaultId, 'BackupVaultName'] });
    expect(vault.DeletionPolicy).toBe('Retain');
    // Part of the stack id: a redeploy after a delete cannot collide with the retained vault.
    expect(JSON.stringify(vault.Properties.BackupVaultName)).toContain('AWS::StackId');
    const [[, selection]] = ofType(b, 'AWS::Backup::BackupSelection');
    expect(selection.Properties.BackupSelection.Resources).toEqual([{ 'Fn::GetAtt': [logicalId(b, b.stack.tables.table), 'Arn'] }]);
  });

  it('keeps point-in-time recovery and the TTL attribute on the main table', () => {
    b.template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    });
  });

  it('gives every function with table access the generation TTL in days (180 by default, -c generationTtlDays)', () => {
    for (const spec of FUNCTIONS.filter((f) => f.access.some((a) => a.startsWith('table:')))) expect(envOf(b, spec.id).GENERATION_TTL_DAYS, spec.id).toBe('180');
    expect(settingsFromContext(new App({ context: { generationTtlDays: '90' } }).node).generationTtlDays).toBe(90);
    expect(envOf(build({ generationTtlDays: 90 }), 'generations-create').GENERATION_TTL_DAYS).toBe('90');
  });

  it('expires results/ (and uploads/) in the uploads bucket', () => {
    const [[, bucket]] = ofType(b, 'AWS::S3::Bucket').filter(([id]) => id.startsWith('Uploads'));
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({ Prefix: 'results/', ExpirationInDays: DEFAULT_SETTINGS.uploadsExpiryDays, Status: 'Enabled' }));
  });

  it('retains no resource under a fixed physical name (the schedule group goes with the stack)', () => {
    const [[, group]] = ofType(b, 'AWS::Scheduler::ScheduleGroup');
    expect(group.DeletionPolicy).toBe('Delete');
    for (const [id, r] of Object.entries(b.json.Resources)) {
      if (r.DeletionPolicy !== 'Retain') continue;
      for (const [k, v] of Object.entries<unknown>(r.Properties ?? {})) {
        if (/Name$/.test(k)) expect(typeof v, `${id}.${k} of a retained ${r.Type}`).not.toBe('string');
      }
    }
  });
});
