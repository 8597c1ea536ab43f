/**
 * `Access` → least-privilege grants and the environment variables that go with them: a function that
 * may touch a resource is told its name, and a function told a name may touch it.
 */
import { Aws, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Access } from '../wiring.ts';
import { acknowledge, nagArn, nagValue } from './nag.ts';
import type { Settings } from './settings.ts';
import { inferenceProfileOf } from '../../functions/config.ts';
import { QUEUES, type QueueId } from '../../functions/resources.ts';

/** The environment keys each access sets (the stack also sets NODE_OPTIONS and LOG_LEVEL everywhere). */
export const ACCESS_ENV: Record<Access, readonly string[]> = {
  'table:read': ['TABLE_NAME', 'RATE_LIMIT_MAX_ATTEMPTS', 'RATE_LIMIT_WINDOW_SECONDS', 'COOLDOWN_SECONDS', 'CHECKOUT_BASE_URL', 'GENERATION_TTL_DAYS'],
  'table:write': ['TABLE_NAME', 'RATE_LIMIT_MAX_ATTEMPTS', 'RATE_LIMIT_WINDOW_SECONDS', 'COOLDOWN_SECONDS', 'CHECKOUT_BASE_URL', 'GENERATION_TTL_DAYS'],
  idempotency: ['IDEMPOTENCY_TABLE_NAME'],
  'bus:put': ['EVENT_BUS_NAME'],
  'bedrock:invoke': ['AI_PROVIDER', 'BEDROCK_MODEL_ID', 'BEDROCK_IMAGE_MODEL_ID', 'BEDROCK_IMAGE_REGION'],
  'uploads:put': ['UPLOAD_BUCKET'],
  'uploads:read': ['UPLOAD_BUCKET'],
  'results:read': ['UPLOAD_BUCKET'],
  'results:write': ['UPLOAD_BUCKET'],
  'selected:read': ['UPLOAD_BUCKET'],
  'selected:write': ['UPLOAD_BUCKET'],
  // Deleting needs only the group; the scheduler adapter reads the same four keys either way (ARNs grant nothing).
  'scheduler:create': ['SCHEDULER_ROLE_ARN', 'PUBLISH_FUNCTION_ARN', 'SCHEDULER_DLQ_ARN', 'SCHEDULER_GROUP'],
  'scheduler:delete': ['SCHEDULER_ROLE_ARN', 'PUBLISH_FUNCTION_ARN', 'SCHEDULER_DLQ_ARN', 'SCHEDULER_GROUP'],
  'webhook-secret': ['WEBHOOK_SECRET_ARN'],
  'outbound-signing-key': ['OUTBOUND_SIGNING_KEY_ARN'],
  'queue-send:outbound': [QUEUES.outbound.envKey],
  'queue-send:generation-jobs': [QUEUES['generation-jobs'].envKey],
};

/** The DynamoDB operations of `table:read` and `table:write`, and nothing else. */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];
export const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/** The key prefix and the one S3 action of each object access (see `Access` in lib/wiring.ts). */
export const OBJECT_ACCESS = {
  'uploads:put': { prefix: 'uploads/', action: 's3:PutObject' },
  'uploads:read': { prefix: 'uploads/', action: 's3:GetObject' },
  'results:read': { prefix: 'results/', action: 's3:GetObject' },
  'results:write': { prefix: 'results/', action: 's3:PutObject' },
  'selected:read': { prefix: 'selected/', action: 's3:GetObject' },
  'selected:write': { prefix: 'selected/', action: 's3:PutObject' },
} as const satisfies Partial<Record<Access, { prefix: string; action: string }>>;

/** What the service creates for one-time schedules (blog publishing). */
export interface SchedulerResources {
  /** Assumed by EventBridge Scheduler; may invoke the target function and write to the DLQ. */
  role: iam.IRole;
  dlq: sqs.IQueue;
  groupName: string;
  target: lambda.IFunction;
}

/** Resources a grant may need; the optional ones are created on first use. */
export interface AccessResources {
  settings: Settings;
  table: dynamodb.ITable;
  idempotencyTable: dynamodb.ITable;
  bus: events.IEventBus;
  uploads: () => s3.IBucket;
  webhookSecret: () => secretsmanager.ISecret;
  /** The root of the outbound webhook endpoints' secrets (generated, never shown). */
  outboundSigningKey: () => secretsmanager.ISecret;
  scheduler: () => SchedulerResources;
  /** The service's work queues (lib/wiring.ts `consumes`), created with their consumers. */
  queue: (id: QueueId) => sqs.IQueue;
}

/**
 * Model ARNs for a Bedrock model id called in `region` (the stack's own by default). A cross-region
 * inference profile (`us.amazon.nova-lite-v1:0`) needs the profile itself, in the Region it is called
 * in, and the foundation model in every Region the profile may route to.
 */
export function bedrockModelArns(stack: Stack, modelId: string, region: string = Aws.REGION): string[] {
  const profile = inferenceProfileOf(modelId);
  if (profile) {
    return [
      stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: modelId, region }),
      `arn:${Aws.PARTITION}:bedrock:*::foundation-model/${profile.foundationModelId}`,
    ];
  }
  return [`arn:${Aws.PARTITION}:bedrock:${region}::foundation-model/${modelId}`];
}

const isQueueSend = (a: Access): a is `queue-send:${QueueId}` => a.startsWith('queue-send:');

export function grantAccess(fn: lambda.Function, access: readonly Access[], r: AccessResources): void {
  const stack = Stack.of(fn);
  const s = r.settings;
  const env = (vars: Record<string, string>) => Object.entries(vars).forEach(([k, v]) => fn.addEnvironment(k, v));
  const tableEnv = {
    TABLE_NAME: r.table.tableName,
    RATE_LIMIT_MAX_ATTEMPTS: String(s.rateLimitMaxAttempts),
    RATE_LIMIT_WINDOW_SECONDS: String(s.rateLimitWindowSeconds),
    COOLDOWN_SECONDS: String(s.cooldownSeconds),
    CHECKOUT_BASE_URL: s.checkoutBaseUrl,
    GENERATION_TTL_DAYS: String(s.generationTtlDays),
  };

  const role = fn.role!;
  const ackTableIndexes = () =>
    acknowledge(role, `AwsSolutions-IAM5[Resource::${nagArn(r.table)}/index/*]`, "Queries the main table's own GSIs (refresh-due); the wildcard spans this table's indexes only.");

  for (const a of new Set(access)) {
    if (isQueueSend(a)) {
      // SendMessageBatch is authorised as SendMessage; the queue is encrypted with SQS-managed keys (no KMS grant).
      const id = a.slice('queue-send:'.length) as QueueId;
      const queue = r.queue(id);
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
      env({ [QUEUES[id].envKey]: queue.queueUrl });
      continue;
    }
    switch (a) {
      case 'table:read':
      case 'table:write':
        // Exactly the operations the stores use: no Scan, no DeleteItem, no DescribeTable or streams.
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: a === 'table:read' ? TABLE_READ_ACTIONS : TABLE_WRITE_ACTIONS,
            resources: a === 'table:read' ? [r.table.tableArn, `${r.table.tableArn}/index/*`] : [r.table.tableArn],
          }),
        );
        r.table.encryptionKey?.grant(fn, ...(a === 'table:read' ? ['kms:Decrypt', 'kms:DescribeKey'] : ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']));
        if (a === 'table:read') ackTableIndexes();
        env(tableEnv);
        break;
      case 'idempotency':
        // Powertools idempotency: a record is put, completed, read after a lost race, deleted after a failure.
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: IDEMPOTENCY_ACTIONS, resources: [r.idempotencyTable.tableArn] }));
        r.idempotencyTable.encryptionKey?.grant(fn, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*');
        env({ IDEMPOTENCY_TABLE_NAME: r.idempotencyTable.tableName });
        break;
      case 'bus:put':
        r.bus.grantPutEventsTo(fn);
        env({ EVENT_BUS_NAME: r.bus.eventBusName });
        break;
      case 'bedrock:invoke':
        // Converse and ConverseStream are authorised by the InvokeModel actions; there is no bedrock:Converse.
        for (const modelId of [s.bedrockModelId, s.bedrockImageModelId]) {
          const profile = inferenceProfileOf(modelId);
          if (!profile) continue;
          acknowledge(
            role,
            `AwsSolutions-IAM5[Resource::${nagValue(fn, `arn:${Aws.PARTITION}:bedrock:*::foundation-model/${profile.foundationModelId}`)}]`,
            `The ${profile.geo}. inference profile routes each call to any Region of its geography; the wildcard is the Region of this one foundation model only.`,
          );
        }
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            resources: [...new Set([...bedrockModelArns(stack, s.bedrockModelId), ...bedrockModelArns(stack, s.bedrockImageModelId, s.bedrockImageRegion)])],
          }),
        );
        // Template text instead of a model only on an explicit demo stage (the functions refuse it otherwise).
        env({
          AI_PROVIDER: s.demo ? 'offline' : 'bedrock',
          BEDROCK_MODEL_ID: s.bedrockModelId,
          BEDROCK_IMAGE_MODEL_ID: s.bedrockImageModelId,
          BEDROCK_IMAGE_REGION: s.bedrockImageRegion,
        });
        if (s.demo) env({ DEMO: '1' });
        break;
      case 'uploads:put':
      case 'uploads:read':
      case 'results:read':
      case 'results:write':
      case 'selected:read':
      case 'selected:write': {
        const bucket = r.uploads();
        const { prefix, action } = OBJECT_ACCESS[a];
        const objects = bucket.arnForObjects(`${prefix}*`);
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: [action], resources: [objects] }));
        acknowledge(role, `AwsSolutions-IAM5[Resource::${nagValue(fn, objects)}]`, `Object keys under ${prefix} are per account and upload or generation, unknown at deploy; the wildcard spans that prefix of this bucket only.`);
        if (a === 'uploads:read') {
          // Without ListBucket a missing photo reads as 403 rather than 404 NoSuchKey; limited to the photos' prefix.
          fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }));
        }
        env({ UPLOAD_BUCKET: bucket.bucketName });
        break;
      }
      case 'scheduler:create':
      case 'scheduler:delete': {
        const sch = r.scheduler();
        const schedules = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${sch.groupName}/*` });
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: [a === 'scheduler:create' ? 'scheduler:CreateSchedule' : 'scheduler:DeleteSchedule'], resources: [schedules] }));
        acknowledge(
          role,
          `AwsSolutions-IAM5[Resource::${nagValue(fn, schedules)}]`,
          'Schedule names are created per blog post at run time; the wildcard spans the service\'s own schedule group only.',
        );
        if (a === 'scheduler:create') {
          fn.addToRolePolicy(
            new iam.PolicyStatement({
              actions: ['iam:PassRole'],
              resources: [sch.role.roleArn],
              conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
            }),
          );
        }
        env({
          SCHEDULER_ROLE_ARN: sch.role.roleArn,
          PUBLISH_FUNCTION_ARN: sch.target.functionArn,
          SCHEDULER_DLQ_ARN: sch.dlq.queueArn,
          SCHEDULER_GROUP: sch.groupName,
        });
        break;
      }
      case 'webhook-secret': {
        // The ARN, never the value: the function reads the secret at cold start.
        const secret = r.webhookSecret();
        secret.grantRead(fn);
        env({ WEBHOOK_SECRET_ARN: secret.secretArn });
        break;
      }
      case 'outbound-signing-key': {
        const secret = r.outboundSigningKey();
        secret.grantRead(fn);
        env({ OUTBOUND_SIGNING_KEY_ARN: secret.secretArn });
        break;
      }
      default: {
        const unknown: never = a;
        throw new Error(`No grant for access "${String(unknown)}"`);
      }
    }
  }
}
