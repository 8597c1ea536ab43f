/**
 * The CDK stack realises the wiring: asserted on the synthesised template. Two stacks are built:
 * one from the real `FUNCTIONS` (so every entry added later is checked too) and one from a fixture
 * list that uses every field and every access kind, so rules, schedules and grants are proven even
 * before the wiring has such entries. Both use stand-in code; `bundling.test.ts` bundles for real.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV_KEYS } from '#env';
import { ACCESS_ENV } from '#lib/aws/access.ts';
import { CreditsStack, PROJECT_ROOT, isInvokedAsynchronously } from '#lib/aws/credits-stack.ts';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS } from '#lib/aws/service-function.ts';
import { DEFAULT_SETTINGS, settingsFromContext, type Settings } from '#lib/aws/settings.ts';
import { DETAIL_TYPES, EVENT_SOURCE, FUNCTIONS, IDEMPOTENCY_TABLE, TABLE, type FunctionSpec } from '#lib/wiring.ts';
import { needsSharp } from '#lib/bundling.ts';

const standIn = () => lambda.Code.fromInline('export const handler = async () => ({ statusCode: 200 });');
/** Layers take no inline code: a one-file directory stands in for the installed sharp packages. */
const standInLayerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sharp-layer-stand-in-'));
fs.mkdirSync(path.join(standInLayerDir, 'nodejs'));
fs.writeFileSync(path.join(standInLayerDir, 'nodejs', 'README'), 'stand-in');
const standInLayer = () => lambda.Code.fromAsset(standInLayerDir);

/** Every field and access kind a FunctionSpec can carry, as later wiring entries will. */
const FIXTURE: FunctionSpec[] = [
  { id: 'reader', entry: 'functions/handlers/credits-get.ts', routes: [{ method: 'GET', path: '/v1/things/{id}', auth: 'jwt' }], access: ['table:read'] },
  {
    id: 'generator',
    entry: 'functions/handlers/credits-get.ts',
    routes: [
      { method: 'POST', path: '/v1/things', auth: 'jwt' },
      { method: 'POST', path: '/v1/things/{id}/again', auth: 'jwt' },
    ],
    access: ['table:read', 'table:write', 'idempotency', 'bedrock:invoke', 'uploads:read'],
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    id: 'admin',
    entry: 'functions/handlers/credits-get.ts',
    routes: [{ method: 'DELETE', path: '/v1/admin/things/{id}', auth: 'jwt', scopes: ['credits:admin'] }],
    access: ['table:write'],
  },
  { id: 'uploader', entry: 'functions/handlers/credits-get.ts', routes: [{ method: 'PUT', path: '/v1/uploads', auth: 'jwt' }], access: ['uploads:put'] },
  {
    id: 'webhook',
    entry: 'functions/handlers/credits-get.ts',
    routes: [{ method: 'POST', path: '/v1/webhooks/subscriptions', auth: 'none' }],
    access: ['bus:put', 'webhook-secret'],
  },
  {
    id: 'billing-events',
    entry: 'functions/handlers/credits-get.ts',
    rules: [
      { id: 'billing', source: EVENT_SOURCE, detailTypes: [DETAIL_TYPES.accountCreated, DETAIL_TYPES.subscriptionChanged] },
      { id: 'top-ups', source: EVENT_SOURCE, detailTypes: [DETAIL_TYPES.topUpPaid, DETAIL_TYPES.topUpFailed] },
    ],
    access: ['table:write'],
  },
  { id: 'monthly', entry: 'functions/handlers/credits-get.ts', schedules: [{ id: 'monthly-refresh', expression: 'rate(1 hour)' }], access: ['table:write'] },
  { id: 'posts', entry: 'functions/handlers/credits-get.ts', routes: [{ method: 'POST', path: '/v1/posts', auth: 'jwt' }], access: ['table:write', 'scheduler:create'] },
  { id: 'unposts', entry: 'functions/handlers/credits-get.ts', routes: [{ method: 'DELETE', path: '/v1/posts/{id}', auth: 'jwt' }], access: ['table:write', 'scheduler:delete'] },
  { id: 'publish', entry: 'functions/handlers/credits-get.ts', scheduleTarget: true, access: ['table:write'] },
  { id: 'enqueuer', entry: 'functions/handlers/credits-get.ts', routes: [{ method: 'POST', path: '/v1/jobs', auth: 'jwt' }], access: ['table:write', 'queue-send:outbound', 'queue-send:generation-jobs'] },
  {
    id: 'deliverer',
    entry: 'functions/handlers/credits-get.ts',
    consumes: { queue: 'outbound', batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 90, maxConcurrency: 5 },
    timeoutSeconds: 15,
    access: ['table:write', 'queue-send:outbound'],
  },
  {
    id: 'job-worker',
    entry: 'functions/handlers/credits-get.ts',
    consumes: { queue: 'generation-jobs', batchSize: 1, maxReceiveCount: 4, visibilityTimeoutSeconds: 180, maxConcurrency: 4 },
    timeoutSeconds: 29,
    reservedConcurrency: 4,
    access: ['table:write'],
  },
];

interface Built {
  app: App;
  stack: CreditsStack;
  template: Template;
  specs: readonly FunctionSpec[];
}

/**
 * `validate`: CDK's built-in CloudFormation schema validation (a WASM engine, seconds per synth) runs
 * on the two main stacks; the variants built for one property skip it.
 */
function build(specs: readonly FunctionSpec[], settings: Partial<Settings> = {}, webDistDir?: string, validate = false): Built {
  const app = new App({ builtinCloudFormationValidation: validate, treeMetadata: false });
  const stack = new CreditsStack(app, 'Test', {
    settings: { ...DEFAULT_SETTINGS, ...settings },
    functions: specs,
    codeFor: standIn,
    sharpLayerCode: standInLayer(),
    webDistDir,
  });
  return { app, stack, template: Template.fromStack(stack), specs };
}

const logicalId = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
const fnId = (b: Built, id: string) => logicalId(b.stack, b.stack.functions.get(id)!.fn);
const fnArn = (b: Built, id: string) => ({ 'Fn::GetAtt': [fnId(b, id), 'Arn'] });
const resources = (t: Template, type: string) => Object.entries(t.findResources(type)) as Array<[string, { Properties: any }]>;

/** Every IAM statement of a function's role, flattened. */
function statementsOf(b: Built, id: string): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  const role = logicalId(b.stack, b.stack.functions.get(id)!.role);
  return resources(b.template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: role })))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (b: Built, id: string) => statementsOf(b, id).flatMap((s) => [s.Action].flat());

function envOf(b: Built, id: string): Record<string, unknown> {
  return b.template.toJSON().Resources[fnId(b, id)].Properties.Environment.Variables;
}

let wired: Built;
let fixture: Built;

beforeAll(() => {
  wired = build(FUNCTIONS, {}, undefined, true);
  fixture = build(FIXTURE, { alarmEmail: 'ops@example.com' }, undefined, true);
});

describe('main table', () => {
  it('is keyed by the wiring TABLE keys, on demand, with PITR, TTL, KMS encryption, and retained on stack delete', () => {
    wired.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        // SSEEnabled without a key: the AWS-managed KMS key (aws/dynamodb), visible in CloudTrail.
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('has every GSI the wiring lists, with its keys and projection', () => {
    const [[, table]] = resources(wired.template, 'AWS::DynamoDB::Table').filter(([, t]) => t.Properties.KeySchema[0].AttributeName === TABLE.partitionKey);
    for (const ix of TABLE.indexes) {
      const gsi = table.Properties.GlobalSecondaryIndexes.find((g: any) => g.IndexName === ix.name);
      expect(gsi, ix.name).toBeDefined();
      expect(gsi.KeySchema).toEqual([
        { AttributeName: ix.partitionKey, KeyType: 'HASH' },
        { AttributeName: ix.sortKey, KeyType: 'RANGE' },
      ]);
      expect(gsi.Projection.ProjectionType).toBe((ix as { projection?: string }).projection ?? 'ALL');
    }
    expect(table.Properties.GlobalSecondaryIndexes).toHaveLength(TABLE.indexes.length);
  });
});

describe('idempotency table', () => {
  it(`is keyed by "${IDEMPOTENCY_TABLE.partitionKey}" with TTL on "${IDEMPOTENCY_TABLE.ttlAttribute}"`, () => {
    wired.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE.ttlAttribute, Enabled: true },
    });
  });

  it('like the main table, refuses DeleteTable and is retained on stack delete (its records stop double charges)', () => {
    const tables = resources(wired.template, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(2);
    for (const [id] of tables) {
      wired.template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
        DeletionPolicy: 'Retain',
      });
      expect(wired.template.toJSON().Resources[id].Properties.DeletionProtectionEnabled, id).toBe(true);
    }
  });
});

describe.each([
  ['the wiring', () => wired],
  ['the fixture', () => fixture],
])('functions of %s', (_name, get) => {
  it('are one Lambda per FunctionSpec: arm64, nodejs24.x, the spec timeout and memory, active tracing, source maps', () => {
    const b = get();
    for (const spec of b.specs) {
      b.template.hasResourceProperties('AWS::Lambda::Function', {
        Description: `ai-credits ${spec.id}`,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Timeout: spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
        MemorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      });
    }
    const service = resources(b.template, 'AWS::Lambda::Function').filter(([, f]) => String(f.Properties.Description).startsWith('ai-credits '));
    expect(service).toHaveLength(b.specs.length);
  });

  it('log to a log group of their own with a retention', () => {
    const b = get();
    for (const spec of b.specs) {
      const sf = b.stack.functions.get(spec.id)!;
      b.template.hasResourceProperties('AWS::Lambda::Function', {
        Description: `ai-credits ${spec.id}`,
        LoggingConfig: { LogGroup: { Ref: logicalId(b.stack, sf.logGroup) } },
      });
      expect(b.template.toJSON().Resources[logicalId(b.stack, sf.logGroup)].Properties.RetentionInDays).toBe(DEFAULT_SETTINGS.logRetentionDays);
    }
  });

  it('get exactly the environment keys of their access, plus NODE_OPTIONS, LOG_LEVEL and the Powertools service name and metric namespace', () => {
    const b = get();
    for (const spec of b.specs) {
      const expected = new Set(['NODE_OPTIONS', 'LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', ...spec.access.flatMap((a) => ACCESS_ENV[a])]);
      expect(Object.keys(envOf(b, spec.id)).sort(), spec.id).toEqual([...expected].sort());
    }
  });

  it('set only environment keys that functions/env.ts parses', () => {
    const b = get();
    const known = new Set<string>([...ENV_KEYS, 'NODE_OPTIONS']);
    for (const spec of b.specs) for (const key of Object.keys(envOf(b, spec.id))) expect(known, `${spec.id}: ${key}`).toContain(key);
  });

  it('serve every wiring route on the HTTP API, through the JWT authorizer (with its scopes) where auth is jwt and none otherwise', () => {
    const b = get();
    const [[authorizerId, authorizer]] = resources(b.template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    const integrations = b.template.findResources('AWS::ApiGatewayV2::Integration');
    const routeSpecs = b.specs.flatMap((fn) => (fn.routes ?? []).map((r) => ({ ...r, fn })));
    const routes = resources(b.template, 'AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(routeSpecs.length);
    for (const r of routeSpecs) {
      const found = routes.find(([, x]) => x.Properties.RouteKey === `${r.method} ${r.path}`);
      expect(found, `${r.method} ${r.path}`).toBeDefined();
      const props = found![1].Properties;
      if (r.auth === 'jwt') {
        expect(props.AuthorizationType).toBe('JWT');
        expect(props.AuthorizerId).toEqual({ Ref: authorizerId });
        expect(props.AuthorizationScopes).toEqual(r.scopes?.length ? r.scopes : undefined);
      } else {
        expect(props.AuthorizationType).toBe('NONE');
        expect(props.AuthorizerId).toBeUndefined();
      }
      // …and the route reaches the function that the wiring names.
      const integrationId = JSON.stringify(props.Target).match(/"Ref":"([^"]+)"/)![1]!;
      expect(integrations[integrationId].Properties.IntegrationUri).toEqual(fnArn(b, r.fn.id));
    }
  });

  it('subscribe every rules entry on the service bus, with a DLQ and a retry policy', () => {
    const b = get();
    const busId = logicalId(b.stack, b.stack.bus);
    for (const spec of b.specs) {
      for (const rule of spec.rules ?? []) {
        b.template.hasResourceProperties('AWS::Events::Rule', {
          EventBusName: { Ref: busId },
          EventPattern: { source: [rule.source], 'detail-type': rule.detailTypes },
          Targets: [
            Match.objectLike({
              Arn: fnArn(b, spec.id),
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Dlq'), 'Arn'] } },
              RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
            }),
          ],
        });
      }
    }
    expect(resources(b.template, 'AWS::Events::Rule')).toHaveLength(b.specs.flatMap((s) => s.rules ?? []).length);
  });

  it('run every schedules entry as an EventBridge Scheduler schedule invoking its function, with a DLQ', () => {
    const b = get();
    for (const spec of b.specs) {
      for (const s of spec.schedules ?? []) {
        b.template.hasResourceProperties('AWS::Scheduler::Schedule', {
          ScheduleExpression: s.expression,
          State: 'ENABLED',
          Target: Match.objectLike({
            Arn: fnArn(b, spec.id),
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Dlq'), 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
          }),
        });
      }
    }
    expect(resources(b.template, 'AWS::Scheduler::Schedule')).toHaveLength(b.specs.flatMap((s) => s.schedules ?? []).length);
  });

  it('give every asynchronously invoked function (rules, schedules, one-time schedule target) an on-failure SQS queue kept 14 days, and Lambda retries', () => {
    const b = get();
    const asyncSpecs = b.specs.filter(isInvokedAsynchronously);
    expect(asyncSpecs.length).toBeGreaterThan(0);
    const configs = resources(b.template, 'AWS::Lambda::EventInvokeConfig');
    expect(configs).toHaveLength(asyncSpecs.length);
    for (const spec of asyncSpecs) {
      const found = configs.find(([, c]) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: fnId(b, spec.id) }));
      expect(found, spec.id).toBeDefined();
      const props = found![1].Properties;
      expect(props.MaximumRetryAttempts).toBe(2);
      expect(props.MaximumEventAgeInSeconds).toBe(6 * 3600);
      const queueId = props.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0] as string;
      const queue = b.template.toJSON().Resources[queueId];
      expect(queue.Type, spec.id).toBe('AWS::SQS::Queue');
      expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      // …the function may write to it, and an alarm watches it.
      expect(statementsOf(b, spec.id).some((st) => [st.Action].flat().includes('sqs:SendMessage') && JSON.stringify(st.Resource).includes(queueId)), spec.id).toBe(true);
      b.template.hasResourceProperties('AWS::CloudWatch::Alarm', { Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }] });
    }
    // Synchronously invoked functions get none: API Gateway waits for their answer, and a queue's event
    // source mapping retries through the queue (its redrive policy and dead-letter queue, tested below).
    expect(b.specs.filter((s) => !isInvokedAsynchronously(s)).every((s) => s.routes?.length || s.consumes)).toBe(true);
  });

  it('grant no wildcard action (no "*", no "service:*") to any role of the stack', () => {
    const b = get();
    for (const [id, policy] of resources(b.template, 'AWS::IAM::Policy')) {
      for (const st of policy.Properties.PolicyDocument.Statement) {
        for (const action of [st.Action].flat() as string[]) expect(action, id).not.toMatch(/(^\*$)|(:\*$)/);
      }
    }
  });

  it('cause no AwsSolutions (cdk-nag) finding that is not acknowledged with a reason', () => {
    const b = get();
    const report = new AwsSolutionsChecks(b.app).validateScope(b.app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.severity} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    for (const c of b.stack.node.findAll()) {
      for (const m of c.node.metadata.filter((e) => e.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
        for (const [rule, reason] of Object.entries(m.data as Record<string, string>)) expect(String(reason).length, `${c.node.path} ${rule}`).toBeGreaterThan(30);
      }
    }
  });
});

describe('least privilege by access', () => {
  it('table:read alone gets read actions on the table and nothing that writes', () => {
    const actions = actionsOf(fixture, 'reader').filter((a) => a.startsWith('dynamodb:'));
    expect(actions.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('table:write gets the writes the stores make (Put, Update, the ledger flush BatchWrite) and no Delete, Scan or read, and the table name', () => {
    expect(actionsOf(fixture, 'admin').filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    // DeleteItem only on the idempotency table (Powertools removes a failed request's record).
    for (const spec of FIXTURE) expect(actionsOf(fixture, spec.id).filter((a) => /dynamodb:(Scan|DescribeTable|ConditionCheckItem|\*)/.test(a)), spec.id).toEqual([]);
    expect(envOf(fixture, 'admin').TABLE_NAME).toEqual({ Ref: logicalId(fixture.stack, fixture.stack.tables.table) });
  });

  it('rate-limit and checkout settings come from context, defaulting to 10 / 3600 / 900', () => {
    expect(envOf(fixture, 'admin')).toMatchObject({ RATE_LIMIT_MAX_ATTEMPTS: '10', RATE_LIMIT_WINDOW_SECONDS: '3600', COOLDOWN_SECONDS: '900' });
    const app = new App({ context: { rateLimitMaxAttempts: '5', cooldownSeconds: 60, checkoutBaseUrl: 'https://pay.example.org/c' } });
    const s = settingsFromContext(app.node);
    expect([s.rateLimitMaxAttempts, s.rateLimitWindowSeconds, s.cooldownSeconds, s.checkoutBaseUrl]).toEqual([5, 3600, 60, 'https://pay.example.org/c']);
  });

  it('given -c demo=true, then the model functions run offline and say it is a demo; without it, they use Bedrock', () => {
    expect(settingsFromContext(new App().node).demo).toBe(false);
    expect(() => settingsFromContext(new App({ context: { demo: 'yes' } }).node)).toThrow(/demo/);
    const demo = build(FIXTURE, settingsFromContext(new App({ context: { demo: 'true' } }).node));
    expect(envOf(demo, 'generator')).toMatchObject({ AI_PROVIDER: 'offline', DEMO: '1' });
    expect(envOf(fixture, 'generator').AI_PROVIDER).toBe('bedrock');
    expect(envOf(fixture, 'generator').DEMO).toBeUndefined();
  });

  it('only bedrock:invoke functions may call Bedrock, and only the configured models', () => {
    for (const spec of FIXTURE.filter((s) => !s.access.includes('bedrock:invoke'))) {
      expect(actionsOf(fixture, spec.id).filter((a) => a.startsWith('bedrock:')), spec.id).toEqual([]);
    }
    const st = statementsOf(fixture, 'generator').find((s) => [s.Action].flat().includes('bedrock:InvokeModel'))!;
    const resources = JSON.stringify(st.Resource);
    expect(resources).toContain(`foundation-model/${DEFAULT_SETTINGS.bedrockModelId}`);
    // The image model is served through its us. profile only, called in the configured image Region.
    expect(DEFAULT_SETTINGS.bedrockImageModelId).toBe('us.stability.stable-image-remove-background-v1:0');
    expect(resources).toContain(`:bedrock:${DEFAULT_SETTINGS.bedrockImageRegion}:`);
    expect(resources).toContain(`inference-profile/${DEFAULT_SETTINGS.bedrockImageModelId}`);
    expect(resources).toContain('foundation-model/stability.stable-image-remove-background-v1:0');
    expect(resources).not.toMatch(/foundation-model\/\*/);
    expect(envOf(fixture, 'generator')).toMatchObject({
      AI_PROVIDER: 'bedrock',
      BEDROCK_MODEL_ID: DEFAULT_SETTINGS.bedrockModelId,
      BEDROCK_IMAGE_MODEL_ID: DEFAULT_SETTINGS.bedrockImageModelId,
      BEDROCK_IMAGE_REGION: DEFAULT_SETTINGS.bedrockImageRegion,
    });
  });

  it('given the ap-southeast-1 settings (apac. text profile, image in us-west-2), then the grants follow them: text profile in the stack Region, image profile in us-west-2', () => {
    const app = new App({ context: { bedrockModelId: 'apac.amazon.nova-lite-v1:0', bedrockImageRegion: 'us-west-2' } });
    const b = build(FIXTURE, settingsFromContext(app.node));
    const arns = statementsOf(b, 'generator').find((s) => [s.Action].flat().includes('bedrock:InvokeModel'))!.Resource as unknown[];
    const text = JSON.stringify(arns);
    expect(text).toMatch(/bedrock:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":inference-profile\/apac\.amazon\.nova-lite-v1:0/);
    expect(text).toContain(':bedrock:us-west-2:');
    expect(text).toContain('inference-profile/us.stability.stable-image-remove-background-v1:0');
    expect(envOf(b, 'generator')).toMatchObject({ BEDROCK_MODEL_ID: 'apac.amazon.nova-lite-v1:0', BEDROCK_IMAGE_REGION: 'us-west-2' });
  });

  it('a cross-region inference profile model id grants the profile and its foundation model', () => {
    const b = build(FIXTURE, { bedrockModelId: 'us.amazon.nova-lite-v1:0' });
    const resources = JSON.stringify(statementsOf(b, 'generator').find((s) => [s.Action].flat().includes('bedrock:InvokeModel'))!.Resource);
    expect(resources).toContain('inference-profile/us.amazon.nova-lite-v1:0');
    expect(resources).toContain('foundation-model/amazon.nova-lite-v1:0');
  });

  it('uploads:read may only get photos (and list the photos prefix, so a missing one is 404), uploads:put may only put them; both learn the bucket', () => {
    const s3Statements = (id: string) => statementsOf(fixture, id).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:')));
    const reader = s3Statements('generator');
    expect(reader.map((s) => s.Action).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(JSON.stringify(reader.find((s) => s.Action === 's3:GetObject')!.Resource)).toContain('/uploads/*');
    expect(reader.find((s) => s.Action === 's3:ListBucket')!.Condition).toEqual({ StringLike: { 's3:prefix': ['uploads/*'] } });
    const putter = s3Statements('uploader');
    expect(putter.map((s) => s.Action)).toEqual(['s3:PutObject']);
    expect(JSON.stringify(putter[0]!.Resource)).toContain('/uploads/*');
    expect(envOf(fixture, 'uploader').UPLOAD_BUCKET).toEqual({ Ref: expect.stringMatching(/^Uploads/) });
  });

  it('webhook-secret passes the secret ARN, never a secret value, and grants reading that one secret', () => {
    const env = envOf(fixture, 'webhook');
    const [[secretId]] = resources(fixture.template, 'AWS::SecretsManager::Secret');
    expect(env.WEBHOOK_SECRET_ARN).toEqual({ Ref: secretId });
    expect(env).not.toHaveProperty('WEBHOOK_SECRET');
    const st = statementsOf(fixture, 'webhook').find((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))!;
    expect(st.Resource).toEqual({ Ref: secretId });
    for (const spec of FIXTURE.filter((s) => !s.access.includes('webhook-secret'))) {
      expect(actionsOf(fixture, spec.id).filter((a) => a.startsWith('secretsmanager:')), spec.id).toEqual([]);
    }
  });

  it('bus:put may put events on the service bus only, and learns its name', () => {
    const busId = logicalId(fixture.stack, fixture.stack.bus);
    const st = statementsOf(fixture, 'webhook').find((s) => [s.Action].flat().includes('events:PutEvents'))!;
    expect(st.Resource).toEqual({ 'Fn::GetAtt': [busId, 'Arn'] });
    expect(envOf(fixture, 'webhook').EVENT_BUS_NAME).toEqual({ Ref: busId });
  });

  it('scheduler:create gets the role, DLQ, group and publish-function ARN, may pass only that role to Scheduler, and create schedules of that group only; scheduler:delete may only delete them', () => {
    const b = fixture;
    const env = envOf(b, 'posts');
    expect(env.PUBLISH_FUNCTION_ARN).toEqual(fnArn(b, 'publish'));
    const [[roleId]] = resources(b.template, 'AWS::IAM::Role').filter(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com') && String(r.Properties.Description).includes('one-time'),
    );
    expect(env.SCHEDULER_ROLE_ARN).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(env.SCHEDULER_DLQ_ARN).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Dlq/), 'Arn'] });
    const [[groupId, group]] = resources(b.template, 'AWS::Scheduler::ScheduleGroup');
    expect(env.SCHEDULER_GROUP).toBe(group.Properties.Name);

    const statements = statementsOf(b, 'posts');
    const pass = statements.find((s) => s.Action === 'iam:PassRole')!;
    expect(pass.Resource).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
    const manage = statements.find((s) => [s.Action].flat().includes('scheduler:CreateSchedule'))!;
    expect([manage.Action].flat()).toEqual(['scheduler:CreateSchedule']);
    expect(JSON.stringify(manage.Resource)).toContain(`:schedule/${group.Properties.Name}/*`);
    const cancel = statementsOf(b, 'unposts').filter((s) => [s.Action].flat().some((a: string) => /^(scheduler|iam):/.test(a)));
    expect(cancel.map((s) => s.Action)).toEqual(['scheduler:DeleteSchedule']);
    expect(JSON.stringify(cancel[0]!.Resource)).toContain(`:schedule/${group.Properties.Name}/*`);
    expect(groupId).toBeDefined();

    // The role Scheduler assumes may invoke the publish function and nothing else, and feed the DLQ.
    const roleStatements = resources(b.template, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(roleStatements.find((s: any) => s.Action === 'lambda:InvokeFunction').Resource).toEqual(fnArn(b, 'publish'));
    expect(roleStatements.flatMap((s: any) => [s.Action].flat()).sort()).toEqual(['lambda:InvokeFunction', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
  });

  it('scheduler access without exactly one scheduleTarget function fails the synth with the reason', () => {
    expect(() => build(FIXTURE.filter((s) => s.id !== 'publish'))).toThrow(/exactly one FunctionSpec with scheduleTarget/);
  });
});

describe('settings refuse at synth what the deploy would get wrong', () => {
  const settings = (context: Record<string, unknown>) => settingsFromContext(new App({ context }).node);
  const real = { jwtIssuer: 'https://auth.shop.io/', checkoutBaseUrl: 'https://billing.shop.io/checkout' };

  it('given a non-dev stage on the placeholder issuer or checkout URL of cdk.json, then synth fails naming the context key', () => {
    expect(() => settings({ stage: 'prod', checkoutBaseUrl: real.checkoutBaseUrl })).toThrow(/Stage "prod" needs a real JWT issuer: -c jwtIssuer/);
    expect(() => settings({ stage: 'prod', jwtIssuer: real.jwtIssuer })).toThrow(/checkoutBaseUrl/);
    expect(() => settings({ stage: 'prod', ...real, checkoutBaseUrl: 'http://billing.shop.io/checkout' })).toThrow(/https checkout URL/);
    expect(() => settings({ stage: 'staging', ...real, jwtIssuer: 'https://login.example.org/' })).toThrow(/placeholder/);
    expect(settings({ stage: 'prod', ...real })).toMatchObject({ stage: 'prod', ...real });
    // dev keeps working on the placeholders, as a fresh clone does.
    expect(settings({ stage: 'dev' }).jwtIssuer).toBe(DEFAULT_SETTINGS.jwtIssuer);
  });

  it('given a model id no adapter knows, or one of the wrong kind, then synth fails listing the known ones', () => {
    expect(() => settings({ bedrockImageModelId: 'amazon.nova-canvas-v1:0' })).toThrow(/bedrockImageModelId.*known are us\.stability/);
    expect(() => settings({ bedrockModelId: 'us.stability.stable-image-remove-background-v1:0' })).toThrow(/bedrockModelId.*No text model/);
    expect(() => settings({ bedrockImageModelId: 'stability.stable-image-remove-background-v1:0' })).toThrow(/No image model/);
  });

  it('given an image Region outside the profile’s geography, then synth fails', () => {
    expect(() => settings({ bedrockImageRegion: 'ap-southeast-1' })).toThrow(/cannot call the us\. profile/);
    expect(() => settings({ bedrockImageRegion: 'Oregon' })).toThrow(/not a Region/);
    expect(settings({ bedrockImageRegion: 'us-west-2' }).bedrockImageRegion).toBe('us-west-2');
  });
});

describe('HTTP API', () => {
  it('trusts the issuer and audiences given in CDK context', () => {
    const app = new App({ context: { jwtIssuer: 'https://issuer.example.org/', jwtAudience: 'web,cli' }, builtinCloudFormationValidation: false });
    const stack = new CreditsStack(app, 'Ctx', { settings: settingsFromContext(app.node), functions: FUNCTIONS, codeFor: standIn });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example.org/', Audience: ['web', 'cli'] },
    });
  });

  it('logs access as JSON to a retained log group and throttles the stage', () => {
    const [[, stage]] = resources(wired.template, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 });
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('allows CORS from the CloudFront site, with the Idempotency-Key header and the rate-limit headers exposed', () => {
    const [[, api]] = resources(wired.template, 'AWS::ApiGatewayV2::Api');
    const cors = api.Properties.CorsConfiguration;
    expect(JSON.stringify(cors.AllowOrigins)).toContain('DomainName');
    expect(cors.AllowHeaders).toContain('idempotency-key');
    expect(cors.ExposeHeaders).toContain('retry-after');
  });
});

describe('dead-letter queues', () => {
  it('are SQS-encrypted, TLS-only, and each alarmed to the alarm topic', () => {
    const work = [...fixture.stack.workQueues.values()].map((q) => logicalId(fixture.stack, q));
    const all = resources(fixture.template, 'AWS::SQS::Queue');
    const queues = all.filter(([id]) => !work.includes(id));
    // two rules, one schedule, the one-time schedules' DLQ, one on-failure queue per asynchronously invoked function, one per work queue
    expect(queues).toHaveLength(4 + FIXTURE.filter(isInvokedAsynchronously).length + work.length);
    expect(all).toHaveLength(queues.length + 2);
    for (const [id, q] of queues) {
      expect(q.Properties.SqsManagedSseEnabled).toBe(true);
      fixture.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
      fixture.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
        AlarmActions: [{ Ref: logicalId(fixture.stack, fixture.stack.monitoring.topic) }],
      });
    }
  });
});

describe('work queues', () => {
  const queueOf = (id: 'outbound' | 'generation-jobs') => logicalId(fixture.stack, fixture.stack.workQueues.get(id)!);

  it('each feeds its consumer through an event source mapping that reports partial batch failures, with the wiring batch size and concurrency', () => {
    for (const [queue, fn] of [['outbound', 'deliverer'], ['generation-jobs', 'job-worker']] as const) {
      const spec = FIXTURE.find((f) => f.id === fn)!.consumes!;
      fixture.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId(fixture, fn) },
        EventSourceArn: { 'Fn::GetAtt': [queueOf(queue), 'Arn'] },
        BatchSize: spec.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
      });
    }
    expect(resources(fixture.template, 'AWS::Lambda::EventSourceMapping')).toHaveLength(2);
    expect(resources(wired.template, 'AWS::Lambda::EventSourceMapping')).toHaveLength(wired.specs.filter((f) => f.consumes).length);
  });

  it('are encrypted, TLS-only, hide a received message for the wiring visibility timeout, and redrive to an alarmed dead-letter queue after maxReceiveCount', () => {
    for (const [queue, fn] of [['outbound', 'deliverer'], ['generation-jobs', 'job-worker']] as const) {
      const spec = FIXTURE.find((f) => f.id === fn)!.consumes!;
      const q = fixture.template.toJSON().Resources[queueOf(queue)].Properties;
      expect(q.SqsManagedSseEnabled).toBe(true);
      expect(q.VisibilityTimeout).toBe(spec.visibilityTimeoutSeconds);
      expect(q.RedrivePolicy.maxReceiveCount).toBe(spec.maxReceiveCount);
      const dlq = q.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
      fixture.template.hasResourceProperties('AWS::CloudWatch::Alarm', { Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }], MetricName: 'ApproximateNumberOfMessagesVisible' });
      fixture.template.hasResourceProperties('AWS::CloudWatch::Alarm', { Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueOf(queue), 'QueueName'] } }], MetricName: 'ApproximateAgeOfOldestMessage' });
      fixture.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueOf(queue) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('queue-send:<id> may only SendMessage to that queue and learns its URL; only the consumer may receive', () => {
    const send = statementsOf(fixture, 'enqueuer').filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')));
    expect(send.map((s) => [s.Action, s.Resource])).toEqual([
      ['sqs:SendMessage', { 'Fn::GetAtt': [queueOf('outbound'), 'Arn'] }],
      ['sqs:SendMessage', { 'Fn::GetAtt': [queueOf('generation-jobs'), 'Arn'] }],
    ]);
    expect(envOf(fixture, 'enqueuer').OUTBOUND_QUEUE_URL).toEqual({ Ref: queueOf('outbound') });
    expect(envOf(fixture, 'enqueuer').GENERATION_JOBS_QUEUE_URL).toEqual({ Ref: queueOf('generation-jobs') });
    for (const spec of FIXTURE.filter((f) => f.id !== 'job-worker' && f.id !== 'deliverer')) {
      expect(actionsOf(fixture, spec.id).filter((a) => a === 'sqs:ReceiveMessage'), spec.id).toEqual([]);
    }
    expect(actionsOf(fixture, 'job-worker')).toContain('sqs:ReceiveMessage');
    expect(actionsOf(fixture, 'job-worker')).not.toContain('sqs:SendMessage');
  });

  it('given a visibility timeout under 6x the consumer timeout, or a queue sent to with no consumer, then synth fails with the reason', () => {
    const short = FIXTURE.map((f) => (f.id === 'job-worker' ? { ...f, consumes: { ...f.consumes!, visibilityTimeoutSeconds: 60 } } : f));
    expect(() => build(short)).toThrow(/visibility timeout of at least 6x/);
    expect(() => build(FIXTURE.filter((f) => f.id !== 'deliverer'))).toThrow(/Queue outbound has no consumer/);
  });
});

describe('uploads bucket', () => {
  it('is private, S3-encrypted, TLS-only, expires uploads/ and results/ after 30 days, and allows the web origin to PUT', () => {
    const [[id, bucket]] = resources(fixture.template, 'AWS::S3::Bucket').filter(([k]) => k.startsWith('Uploads'));
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    const rules = bucket.Properties.LifecycleConfiguration.Rules;
    for (const prefix of ['uploads/', 'results/']) expect(rules).toContainEqual(expect.objectContaining({ Prefix: prefix, ExpirationInDays: 30 }));
    const cors = bucket.Properties.CorsConfiguration.CorsRules[0];
    expect(cors.AllowedMethods).toContain('PUT');
    expect(JSON.stringify(cors.AllowedOrigins)).toContain('DomainName');
    fixture.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('functions with uploads access get the sharp layer the app builds (arm64, nodejs24.x), the others none, and no context value is needed', () => {
    const sharpLayers = (b: Built) => resources(b.template, 'AWS::Lambda::LayerVersion').filter(([, l]) => String(l.Properties.Description).startsWith('sharp '));
    const [[layerId, layer], ...others] = sharpLayers(fixture);
    expect(others).toEqual([]);
    expect(layer.Properties.CompatibleArchitectures).toEqual(['arm64']);
    expect(layer.Properties.CompatibleRuntimes).toEqual(['nodejs24.x']);
    expect(layer.Properties.Description).toMatch(/^sharp \d+\.\d+\.\d+ for linux-arm64/);
    for (const spec of FIXTURE) {
      const layers = fixture.template.toJSON().Resources[fnId(fixture, spec.id)].Properties.Layers;
      if (needsSharp(spec)) expect(layers, spec.id).toEqual([{ Ref: layerId }]);
      else expect(layers, spec.id).toBeUndefined();
    }
    expect(Annotations.fromStack(fixture.stack).findWarning('*', Match.stringLikeRegexp('sharp'))).toEqual([]);
  });

  it('given -c sharpLayerArn, then that layer is attached instead and none is built', () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:layer:sharp:3';
    const b = build(FIXTURE, { sharpLayerArn: arn });
    expect(b.template.toJSON().Resources[fnId(b, 'uploader')].Properties.Layers).toEqual([arn]);
    expect(b.template.toJSON().Resources[fnId(b, 'reader')].Properties.Layers).toBeUndefined();
    expect(resources(b.template, 'AWS::Lambda::LayerVersion').filter(([, l]) => String(l.Properties.Description).startsWith('sharp '))).toEqual([]);
  });

  it('is only created when some function has uploads access', () => {
    expect(resources(wired.template, 'AWS::S3::Bucket').filter(([k]) => k.startsWith('Uploads')).length).toBe(
      FUNCTIONS.some(needsSharp) ? 1 : 0,
    );
  });
});

describe('web page', () => {
  it('is a private bucket served by CloudFront through origin access control', () => {
    wired.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    wired.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } })],
      }),
    });
  });

  it('gets a never-cached config.json naming the API URL', () => {
    const [[apiId]] = resources(wired.template, 'AWS::ApiGatewayV2::Api');
    wired.template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DistributionPaths: ['/config.json'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'no-cache' },
      SourceMarkers: [Match.objectLike({ '<<marker:0xbaba:0>>': { Ref: apiId } })],
    });
  });

  it('is built by `npm run deploy` before cdk deploys it, so a clean checkout ships the page', () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts['build:web']).toBe('vite build web');
    expect(scripts.deploy).toMatch(/^npm run build:web && cdk deploy --all$/);
  });

  it('when web/dist is missing, deploys only config.json and warns', () => {
    const b = build(FUNCTIONS, {}, '/nonexistent/web/dist');
    expect(resources(b.template, 'Custom::CDKBucketDeployment')).toHaveLength(1);
    Annotations.fromStack(b.stack).hasWarning('/Test/Web', Match.stringLikeRegexp('does not exist'));
  });
});

describe('sharp layer (the real asset, installed from the npm registry once and cached by version)', () => {
  it('holds the pinned sharp and its linux-arm64 binary under nodejs/node_modules, where Lambda looks', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-sharp-layer-'));
    try {
      // Asset metadata names each asset's staged directory, as the CDK CLI enables it.
      const app = new App({ outdir, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-asset-metadata': true } });
      // Functions stand in, the layer does not.
      const stack = new CreditsStack(app, 'Layer', { settings: DEFAULT_SETTINGS, functions: FIXTURE, codeFor: standIn });
      const assembly = app.synth();
      const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, any> };
      const [layer] = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::LayerVersion' && String(r.Properties.Description).startsWith('sharp '));
      const assetDir = path.join(outdir, layer.Metadata['aws:asset:path']);
      const pinned = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).dependencies.sharp;
      const modules = path.join(assetDir, 'nodejs', 'node_modules');
      expect(JSON.parse(fs.readFileSync(path.join(modules, 'sharp', 'package.json'), 'utf8')).version).toBe(pinned);
      const binary = JSON.parse(fs.readFileSync(path.join(modules, '@img', 'sharp-linux-arm64', 'package.json'), 'utf8'));
      expect(binary.os).toEqual(['linux']);
      expect(binary.cpu).toEqual(['arm64']);
      expect(fs.existsSync(path.join(modules, '@img', 'sharp-libvips-linux-arm64'))).toBe(true);
      // This machine's own build is not what Lambda needs, and must not ride along.
      expect(fs.existsSync(path.join(modules, '@img', 'sharp-linux-x64'))).toBe(false);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 300_000);
});
