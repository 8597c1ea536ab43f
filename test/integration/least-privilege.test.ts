/**
 * Least privilege, seen from both sides: the AWS calls each function makes on a tour of every function
 * (recorded in its worker by functions/adapters/aws-calls.ts: an SDK middleware, and the local bus,
 * scheduler and secret standing in for theirs) against the IAM policy the synthesized template gives
 * that function's role.
 * - A call the policy does not allow fails the test: in AWS it would be AccessDenied.
 * - A policy statement no call used fails it too: a grant the code does not need. Statements are
 *   per access (lib/wiring.ts), so an access counts as used when any of its actions ran: some of them
 *   only run on rarer paths (the ledger flush's BatchWriteItem, an idempotency record deleted after a
 *   failure), and a ListBucket on `uploads/` goes with reading a photo (it makes a missing one a 404).
 * Grants the platform needs around the code (logs, X-Ray, the on-failure queue, KMS) are not calls of
 * the code and are left out on both sides.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsStack } from '../../lib/aws/credits-stack.ts';
import { DEFAULT_SETTINGS } from '../../lib/aws/settings.ts';
import { LOCAL_ENV } from '../../lib/local/env.ts';
import { FUNCTIONS } from '../../lib/wiring.ts';
import { startBedrockFakes, tourEveryFunction } from '../support/aws-tour.ts';
import { useStack } from '../support/stack.ts';

let fakes: Awaited<ReturnType<typeof startBedrockFakes>>;
beforeAll(async () => {
  fakes = await startBedrockFakes();
  process.env.BEDROCK_ENDPOINT = fakes.url;
});
afterAll(async () => fakes?.close());

const ctx = useStack({
  env: { LOG_LEVEL: 'SILENT', AI_PROVIDER: 'bedrock', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', RATE_LIMIT_MAX_ATTEMPTS: '1000' },
});

/** Services whose grants serve the platform around the code, not calls the code makes. */
const PLATFORM = /^(logs|xray|kms):/;

/**
 * SQS statements are the platform's too (the on-failure queue Lambda writes to, the event source mapping
 * that receives and deletes a consumer's messages), except SendMessage on a work queue: the code's own call.
 */
const isPlatform = (s: Statement, kinds: string[]) =>
  [s.Action].flat().every((a) => PLATFORM.test(a) || (a.startsWith('sqs:') && !(a === 'sqs:SendMessage' && kinds.every((k) => k.startsWith('queue:')))));

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The deployed stack, with stand-in code (the policies do not depend on the bundles). */
function synth() {
  const layerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lp-layer-'));
  fs.mkdirSync(path.join(layerDir, 'nodejs'));
  const app = new App({ builtinCloudFormationValidation: false, treeMetadata: false });
  const stack = new CreditsStack(app, 'LeastPrivilege', {
    settings: DEFAULT_SETTINGS,
    functions: FUNCTIONS,
    codeFor: () => lambda.Code.fromInline('export const handler = async () => ({});'),
    sharpLayerCode: lambda.Code.fromAsset(layerDir),
  });
  return { stack, template: Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: any }> } };
}

const logicalId = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);

/**
 * What a resource of the template is, in the words the recorder uses: `table`, `idempotency`, a key
 * prefix (`uploads/`), `bucket`, `schedule-group`, `scheduler-role`, `bus`, `webhook-secret`, `outbound-signing-key`, or a
 * Bedrock model or profile id.
 */
function kindsOf(resource: unknown, ids: Record<string, string>, queues: Record<string, string> = {}): string[] {
  return [resource].flat().map((r) => {
    const text = JSON.stringify(r);
    const queue = Object.entries(queues).find(([logical]) => text.includes(`"${logical}"`));
    if (queue) return `queue:${queue[1]}`;
    if (text.includes(ids.table!)) return text.includes('/index/') ? 'table-index' : 'table';
    if (text.includes(ids.idempotency!)) return 'idempotency';
    if (text.includes(ids.bucket!)) return /"\/([a-z]+\/)\*"/.exec(text)?.[1] ?? 'bucket';
    if (text.includes(':schedule/')) return 'schedule-group';
    if (text.includes(ids.schedulerRole!)) return 'scheduler-role';
    if (text.includes(ids.bus!)) return 'bus';
    if (text.includes(ids.signingKey!)) return 'outbound-signing-key';
    if (text.includes(ids.secret!)) return 'webhook-secret';
    const model = /(?:foundation-model|inference-profile)\/([^"]+)/.exec(text);
    if (model) return `model:${model[1]}`;
    return `unknown:${text}`;
  });
}

/** The recorder's resource names (local table names, model ids) as kinds. */
function kindOfCall(resource: string): string {
  if (resource === LOCAL_ENV.TABLE_NAME) return 'table';
  if (resource === LOCAL_ENV.IDEMPOTENCY_TABLE_NAME) return 'idempotency';
  if (/^[a-z]+\/$/.test(resource) || resource.startsWith('queue:') || ['schedule-group', 'scheduler-role', 'bus', 'webhook-secret', 'outbound-signing-key'].includes(resource)) return resource;
  return `model:${resource}`;
}

describe('least privilege', () => {
  let calls: Record<string, Array<{ action: string; kind: string }>>;
  beforeAll(async () => {
    await tourEveryFunction(ctx.stack, fakes.text);
    calls = Object.fromEntries(
      FUNCTIONS.map((f) => [
        f.id,
        [...(ctx.stack.runner.calls.get(f.id) ?? [])].map((c) => {
          const [action, resource] = c.split(' ');
          return { action: action!, kind: kindOfCall(resource!) };
        }),
      ]),
    );
  }, 180_000);

  it('the tour runs every function of the wiring', () => {
    expect(FUNCTIONS.filter((f) => !ctx.stack.runner.calls.has(f.id)).map((f) => f.id)).toEqual([]);
  });

  it('every call a function makes is allowed by its policy, and every statement of its policy is used by a call', () => {
    const { stack, template } = synth();
    const ids = {
      table: logicalId(stack, stack.tables.table),
      idempotency: logicalId(stack, stack.tables.idempotencyTable),
      bus: logicalId(stack, stack.bus),
      bucket: Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('Uploads'))![0],
      secret: Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::SecretsManager::Secret' && id.startsWith('WebhookSecret'))?.[0] ?? '(none)',
      signingKey: Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::SecretsManager::Secret' && id.startsWith('OutboundSigningKey'))?.[0] ?? '(none)',
      schedulerRole: Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('SchedulerRole'))?.[0] ?? '(none)',
    };
    // The work queues' logical ids, as the recorder names them (`queue:<id>`, functions/adapters/sqs-queue.ts).
    const queues = Object.fromEntries([...stack.workQueues].map(([id, q]) => [logicalId(stack, q), id]));
    const problems: string[] = [];
    for (const fn of FUNCTIONS) {
      const roleId = logicalId(stack, stack.functions.get(fn.id)!.fn.role as never);
      const statements: Statement[] = Object.values(template.Resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[])
        .filter((s) => !isPlatform(s, kindsOf(s.Resource, ids, queues)));
      const grants = statements.map((s) => ({ actions: [s.Action].flat(), kinds: kindsOf(s.Resource, ids, queues), statement: s }));
      const made = calls[fn.id]!;
      // A table's index is queried through the table's Query grant on `<table>/index/*`.
      const allows = (g: (typeof grants)[number], c: { action: string; kind: string }) =>
        g.actions.includes(c.action) && (g.kinds.includes(c.kind) || (c.kind === 'table' && c.action === 'dynamodb:Query' && g.kinds.includes('table-index')));
      for (const c of made) if (!grants.some((g) => allows(g, c))) problems.push(`${fn.id}: ${c.action} on ${c.kind} is not allowed (AccessDenied in AWS)`);
      for (const g of grants) {
        const used =
          made.some((c) => allows(g, c)) ||
          // ListBucket on the photos' prefix goes with reading a photo (a missing one is then a 404, not a 403).
          (g.actions.join() === 's3:ListBucket' && made.some((c) => c.action === 's3:GetObject' && c.kind === 'uploads/'));
        if (!used) problems.push(`${fn.id}: ${g.actions.join(', ')} on ${g.kinds.join(', ')} is granted but never called`);
      }
    }
    expect(problems).toEqual([]);
  });
});
