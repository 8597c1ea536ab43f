/**
 * The AWS realisation of `lib/wiring.ts`: every FunctionSpec becomes a Lambda function with its routes,
 * rules, schedules and grants, read from the spec's fields alone. Env-agnostic: no lookups at synth.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability/metrics.ts';
import type { QueueId } from '../../functions/resources.ts';
import { FUNCTIONS, queueConsumers, type FunctionSpec } from '../wiring.ts';
import { needsSharp } from '../bundling.ts';
import { grantAccess, type AccessResources, type SchedulerResources } from './access.ts';
import { DataTables } from './data.ts';
import { Monitoring } from './monitoring.ts';
import { acknowledge, nagValue } from './nag.ts';
import { ServiceFunction } from './service-function.ts';
import { SharpLayer } from './sharp-layer.ts';
import type { Settings } from './settings.ts';
import { WebSite } from './web.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CreditsStackProps extends StackProps {
  settings: Settings;
  /** Defaults to the wiring's FUNCTIONS; tests pass their own list. */
  functions?: readonly FunctionSpec[];
  /**
   * Test-only: stand-in code instead of bundling each entry with esbuild, so assertion tests
   * neither wait for ~20 bundles nor depend on every handler file having landed.
   */
  codeFor?: (spec: FunctionSpec) => lambda.Code;
  /** Defaults to `<root>/web/dist`. */
  webDistDir?: string;
  /** Test-only: stand-in code for the sharp layer instead of installing the linux-arm64 packages. */
  sharpLayerCode?: lambda.Code;
}

/** Retries before an event lands in its DLQ; handlers are idempotent, so retries are safe. */
const EVENT_RETRY_ATTEMPTS = 8;
const EVENT_MAX_AGE = Duration.hours(24);
/**
 * Lambda's own retries of an asynchronous invocation whose handler threw (the most it allows), and how
 * long it keeps trying (the most it allows), before the event goes to the function's on-failure queue.
 */
const ASYNC_RETRY_ATTEMPTS = 2;
const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

export class CreditsStack extends Stack {
  readonly functions = new Map<string, ServiceFunction>();
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly tables: DataTables;
  readonly bus: events.EventBus;
  readonly web: WebSite;
  /**
   * Every dead-letter and on-failure queue, each watched by an alarm: a queue pushed here before the
   * end of the constructor (where `Monitoring` is built) gets its alarm without more code.
   */
  readonly deadLetterQueues: sqs.Queue[] = [];
  monitoring!: Monitoring;
  readonly backupPlan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: CreditsStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const specs = props.functions ?? FUNCTIONS;
    assertUnique(specs);
    const retention = retentionDays(settings.logRetentionDays);

    this.tables = new DataTables(this, 'Data');
    // Daily backups kept 35 days, besides point-in-time recovery (which only reaches back 35 days and
    // goes with the table): a restorable copy in a vault the stack retains.
    this.backupPlan = backup.BackupPlan.daily35DayRetention(this, 'Backup', this.backupVault(settings));
    const selection = this.backupPlan.addSelection('MainTable', { resources: [backup.BackupResource.fromDynamoDbTable(this.tables.table)] });
    acknowledge(
      selection,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'The role AWS Backup assumes to back up the table: AWS keeps this service policy in step with what Backup needs for each resource type.',
    );
    this.bus = new events.EventBus(this, 'Bus', { description: 'ai-credits billing and domain events' });

    const logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes through ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });

    this.web = new WebSite(this, 'Web', {
      distDir: props.webDistDir ?? path.join(PROJECT_ROOT, 'web', 'dist'),
      logBucket,
      logRetention: retention,
    });
    const webOrigins = [this.web.origin, ...settings.extraWebOrigins];

    // Functions first: scheduler resources name the publish function, grants name the others.
    const imageFns = specs.filter(needsSharp).map((s) => s.id);
    const layers = imageFns.length ? [this.sharpLayer(settings, props.sharpLayerCode)] : [];
    for (const spec of specs) {
      const needsSharp = imageFns.includes(spec.id);
      this.functions.set(
        spec.id,
        new ServiceFunction(this, spec.id, {
          spec,
          projectRoot: PROJECT_ROOT,
          logRetention: retention,
          // Powertools reads these itself: one service name for logs, metrics and traces, one metric namespace.
          environment: { LOG_LEVEL: settings.logLevel, POWERTOOLS_SERVICE_NAME: SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE },
          code: props.codeFor?.(spec),
          layers: needsSharp ? layers : [],
        }),
      );
    }

    const resources: AccessResources = {
      settings,
      table: this.tables.table,
      idempotencyTable: this.tables.idempotencyTable,
      bus: this.bus,
      uploads: once(() => this.uploadsBucket(logBucket, webOrigins, settings)),
      webhookSecret: once(() => this.webhookSecret()),
      outboundSigningKey: once(() => this.outboundSigningKey()),
      scheduler: once(() => this.schedulerResources(specs)),
      queue: (id) => this.workQueue(specs, id),
    };
    for (const spec of specs) grantAccess(this.fn(spec.id), spec.access, resources);

    ({ api: this.api, stage: this.stage } = this.httpApi(specs, settings, webOrigins, retention));
    for (const spec of specs) {
      for (const rule of spec.rules ?? []) this.rule(spec, rule);
      for (const schedule of spec.schedules ?? []) this.schedule(spec, schedule);
      if (isInvokedAsynchronously(spec)) this.onFailureDestination(spec);
      if (spec.consumes) this.workQueue(specs, spec.consumes.queue);
    }
    this.web.publish({ apiUrl: this.stage.url.replace(/\/$/, '') });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      alarmEmail: settings.alarmEmail,
      api: this.api,
      stage: this.stage,
      functions: new Map([...this.functions].map(([id, f]) => [id, f.fn])),
      queues: this.deadLetterQueues,
      workQueues: [...this.workQueues.values()],
      // CloudWatch alarms read metrics of their own Region only: the image model is watched here when it runs here.
      bedrockModelIds: specs.some((s) => s.access.includes('bedrock:invoke'))
        ? [...new Set([settings.bedrockModelId, ...(settings.bedrockImageRegion === this.region ? [settings.bedrockImageModelId] : [])])]
        : [],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
    new CfnOutput(this, 'WebUrl', { value: this.web.origin });
    new CfnOutput(this, 'TableName', { value: this.tables.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
  }

  fn(id: string): lambda.Function {
    const f = this.functions.get(id);
    if (!f) throw new Error(`No function "${id}" in this stack`);
    return f.fn;
  }

  /**
   * sharp for the functions that touch uploads (native, so not in their bundles): built by this app from
   * the pinned version (`sharp-layer.ts`), or an existing layer named with `-c sharpLayerArn=<arn>`.
   */
  private sharpLayer(settings: Settings, code: lambda.Code | undefined): lambda.ILayerVersion {
    if (settings.sharpLayerArn) return lambda.LayerVersion.fromLayerVersionArn(this, 'SharpLayer', settings.sharpLayerArn);
    return new SharpLayer(this, 'Sharp', { projectRoot: PROJECT_ROOT, code }).layer;
  }

  private httpApi(specs: readonly FunctionSpec[], settings: Settings, allowOrigins: string[], retention: logs.RetentionDays) {
    const api = new apigwv2.HttpApi(this, 'Api', {
      description: `ai-credits ${settings.stage}`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins,
        allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST, apigwv2.CorsHttpMethod.PUT, apigwv2.CorsHttpMethod.DELETE],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        exposeHeaders: ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'ratelimit', 'retry-after'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention });
    const stage = new apigwv2.HttpStage(this, 'ApiStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            responseLength: '$context.responseLength',
            sub: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const jwt = new HttpJwtAuthorizer('Jwt', settings.jwtIssuer, { jwtAudience: settings.jwtAudience });
    const webhookRoutes: Array<{ key: string; route: apigwv2.HttpRoute }> = [];
    const none = new apigwv2.HttpNoneAuthorizer();
    for (const spec of specs) {
      if (!spec.routes?.length) continue;
      const integration = new HttpLambdaIntegration(`${spec.id}-integration`, this.fn(spec.id));
      for (const r of spec.routes) {
        const [route] = api.addRoutes({
          path: r.path,
          methods: [apigwv2.HttpMethod[r.method]],
          integration,
          authorizer: r.auth === 'jwt' ? jwt : none,
          authorizationScopes: r.auth === 'jwt' && r.scopes?.length ? r.scopes : undefined,
        });
        if (r.auth === 'none') {
          // The billing system's webhook gets a throttle bucket of its own: a merchant burst cannot
          // starve plan changes and payments, and a flood of (unsigned) deliveries cannot starve merchants.
          webhookRoutes.push({ key: `${r.method} ${r.path}`, route: route! });
          acknowledge(
            route!,
            'AwsSolutions-APIG4',
            `${r.method} ${r.path} is declared auth: 'none' in the wiring: it is called by the billing system, which authenticates with an HMAC signature the handler verifies.`,
          );
        }
      }
    }
    if (webhookRoutes.length) {
      const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
      // `routeSettings` is an untyped map that CDK writes out as given: CloudFormation's own key names.
      cfnStage.routeSettings = Object.fromEntries(
        webhookRoutes.map((w) => [w.key, { ThrottlingRateLimit: settings.webhookThrottleRateLimit, ThrottlingBurstLimit: settings.webhookThrottleBurstLimit }]),
      );
      // Route settings name routes by key: the routes must exist before the stage refers to them.
      for (const w of webhookRoutes) cfnStage.node.addDependency(w.route);
    }
    return { api, stage };
  }

  /** The service's work queues, by id (made with their consumers). */
  readonly workQueues = new Map<QueueId, sqs.Queue>();

  /**
   * One of the service's work queues (functions/resources.ts QUEUES), made once with its consumer: encrypted,
   * TLS only, a dead-letter queue (alarmed) after `maxReceiveCount` receives, and the event source mapping
   * that reports partial batch failures, so one failed message is retried alone.
   */
  private workQueue(specs: readonly FunctionSpec[], id: QueueId): sqs.Queue {
    const made = this.workQueues.get(id);
    if (made) return made;
    const consumer = queueConsumers(specs).get(id);
    if (!consumer) throw new Error(`Queue ${id} has no consumer in this stack (lib/wiring.ts consumes)`);
    const c = consumer.consumes!;
    const queue = new sqs.Queue(this, `Queue-${id}`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(c.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue(this, `Queue-${id}-Dlq`), maxReceiveCount: c.maxReceiveCount },
    });
    this.workQueues.set(id, queue);
    this.fn(consumer.id).addEventSource(
      new SqsEventSource(queue, { batchSize: c.batchSize, reportBatchItemFailures: true, maxConcurrency: c.maxConcurrency }),
    );
    return queue;
  }

  private deadLetterQueue(scope: Construct, id: string): sqs.Queue {
    const q = new sqs.Queue(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetterQueues.push(q);
    acknowledge(q, 'AwsSolutions-SQS3', 'This queue is itself a dead-letter queue; its messages are alarmed on and redriven by hand.');
    return q;
  }

  private rule(spec: FunctionSpec, r: NonNullable<FunctionSpec['rules']>[number]): void {
    const scope = this.functions.get(spec.id)!;
    new events.Rule(scope, `Rule-${r.id}`, {
      eventBus: this.bus,
      description: `${r.source} ${r.detailTypes.join(', ')} → ${spec.id}`,
      eventPattern: { source: [r.source], detailType: r.detailTypes },
      targets: [
        new eventTargets.LambdaFunction(this.fn(spec.id), {
          deadLetterQueue: this.deadLetterQueue(scope, `Rule-${r.id}-Dlq`),
          retryAttempts: EVENT_RETRY_ATTEMPTS,
          maxEventAge: EVENT_MAX_AGE,
        }),
      ],
    });
  }

  private schedule(spec: FunctionSpec, s: NonNullable<FunctionSpec['schedules']>[number]): void {
    const scope = this.functions.get(spec.id)!;
    const fn = this.fn(spec.id);
    new scheduler.Schedule(scope, `Schedule-${s.id}`, {
      description: `${s.id} → ${spec.id}`,
      schedule: scheduler.ScheduleExpression.expression(s.expression),
      target: new schedulerTargets.LambdaInvoke(fn, {
        input: scheduler.ScheduleTargetInput.fromObject({ scheduleId: s.id }),
        deadLetterQueue: this.deadLetterQueue(scope, `Schedule-${s.id}-Dlq`),
        retryAttempts: EVENT_RETRY_ATTEMPTS,
        maxEventAge: EVENT_MAX_AGE,
      }),
    });
    // aws-scheduler-targets shares one role per target across the stack and grants it `<fn>:*` (any version).
    for (const role of this.node.children.filter((c) => c.node.id.startsWith('SchedulerRoleForTarget'))) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::${nagValue(this, fn.functionArn)}:*]`,
        `Lets EventBridge Scheduler invoke ${spec.id} and its versions; the wildcard is the version qualifier only.`,
      );
    }
  }

  /**
   * EventBridge rules and Scheduler invoke Lambda asynchronously: their DLQs above only catch events they
   * could not hand to Lambda at all. Once Lambda accepted an event, a handler that throws is retried by
   * Lambda and then dropped unless the function has an on-failure destination: this queue (alarmed on like
   * every DLQ) keeps the event and the error, so a `TopUpPaid` that kept failing can be redriven.
   */
  private onFailureDestination(spec: FunctionSpec): void {
    const scope = this.functions.get(spec.id)!;
    const queue = this.deadLetterQueue(scope, 'OnFailure');
    this.fn(spec.id).configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(queue),
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: ASYNC_MAX_EVENT_AGE,
    });
  }

  private uploadsBucket(logBucket: s3.IBucket, allowedOrigins: string[], settings: Settings): s3.Bucket {
    const expiry = Duration.days(settings.uploadsExpiryDays);
    return new s3.Bucket(this, 'Uploads', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'uploads-bucket/',
      lifecycleRules: [
        { prefix: 'uploads/', expiration: expiry },
        { prefix: 'results/', expiration: expiry },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // The browser PUTs to presigned URLs and shows the results.
      cors: [
        {
          allowedOrigins,
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * The vault outlives the stack (its recovery points are the point of it). A vault needs a name, and
   * a retained vault with a name derived from the construct path would collide when the stage is
   * deployed again after a delete; part of the stack's own id (new for every stack created) avoids that.
   */
  private backupVault(settings: Settings): backup.BackupVault {
    const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    return new backup.BackupVault(this, 'BackupVault', {
      backupVaultName: `ai-credits-${settings.stage}-${Fn.select(0, Fn.split('-', stackUuid))}`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * A generated secret others rely on (a random initial value, so nothing runs on an empty one), retained
   * so a stack delete or replacement never loses it; rotating it is coordinated by hand (`whyNoRotation`).
   */
  private retainedSecret(id: string, description: string, passwordLength: number, whyNoRotation: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, id, { description, generateSecretString: { passwordLength, excludePunctuation: true }, removalPolicy: RemovalPolicy.RETAIN });
    acknowledge(secret, 'AwsSolutions-SMG4', whyNoRotation);
    return secret;
  }

  private webhookSecret(): secretsmanager.Secret {
    // Replace the initial value with the billing system's.
    const secret = this.retainedSecret(
      'WebhookSecret',
      'HMAC secret of the billing webhooks (set it to the value the billing system signs with)',
      48,
      'A secret shared with the billing system: rotating it is a coordinated change on both sides (the old value stays accepted meanwhile), which a rotation Lambda cannot do.',
    );
    new CfnOutput(this, 'WebhookSecretArn', { value: secret.secretArn, description: 'Put the billing system signing secret here' });
    return secret;
  }

  /**
   * The root of every outbound webhook endpoint's signing secret (HMAC of it and the endpoint id): generated
   * here, read only by the functions that sign or show a secret, never output. Retained: a stack replacement
   * that lost it would change every endpoint's secret.
   */
  private outboundSigningKey(): secretsmanager.Secret {
    return this.retainedSecret(
      'OutboundSigningKey',
      'Root key of the outbound webhook endpoint secrets (each endpoint secret is HMAC(key, endpoint id))',
      64,
      'Every registered endpoint holds a secret derived from this key: rotating it changes all of them at once, a coordinated change with every receiver, which a rotation Lambda cannot do.',
    );
  }

  private schedulerResources(specs: readonly FunctionSpec[]): SchedulerResources {
    const targets = specs.filter((s) => s.scheduleTarget);
    if (targets.length !== 1) {
      throw new Error(
        `'scheduler:create' needs exactly one FunctionSpec with scheduleTarget: true (PUBLISH_FUNCTION_ARN is one ARN); found ${targets.length}`,
      );
    }
    const managers = specs.filter((s) => s.access.some((a) => a.startsWith('scheduler:')));
    if (managers.some((m) => m.id === targets[0]!.id)) {
      // Its own ARN in its own environment would be a CloudFormation circular reference.
      throw new Error(`Function "${targets[0]!.id}" cannot both manage schedules and be their target`);
    }
    const target = this.fn(targets[0]!.id);
    // One-time schedules the service creates (blog publishing): a group of their own scopes the grants.
    // No retained group: a retained one keeps its generated name, and redeploying the stage would
    // collide with it. Deleting the stack deletes the pending schedules with the functions they target.
    const group = new scheduler.ScheduleGroup(this, 'OneTimeSchedules', { removalPolicy: RemovalPolicy.DESTROY });
    const dlq = this.deadLetterQueue(this, 'OneTimeSchedulesDlq');
    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Assumed by EventBridge Scheduler to run the service-created one-time schedules',
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }));
    dlq.grantSendMessages(role);
    return { role, dlq, groupName: group.scheduleGroupName, target };
  }
}

/** Rules, recurring schedules and one-time schedules all invoke their function with InvocationType Event. */
export function isInvokedAsynchronously(spec: FunctionSpec): boolean {
  return Boolean(spec.rules?.length || spec.schedules?.length || spec.scheduleTarget);
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function assertUnique(specs: readonly FunctionSpec[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.id)) throw new Error(`Duplicate FunctionSpec id "${s.id}" in the wiring`);
    seen.add(s.id);
  }
  const routes = specs.flatMap((s) => (s.routes ?? []).map((r) => `${r.method} ${r.path}`));
  const dup = routes.find((r, i) => routes.indexOf(r) !== i);
  if (dup) throw new Error(`Route "${dup}" is served by two FunctionSpecs`);
}

function retentionDays(days: number): logs.RetentionDays {
  const valid = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!valid.includes(days)) throw new Error(`logRetentionDays ${days} is not one CloudWatch Logs accepts: ${valid.join(', ')}`);
  return days as logs.RetentionDays;
}
