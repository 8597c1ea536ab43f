/**
 * Every function's bundle loads the way Lambda loads it: from a folder outside node_modules, in a
 * fresh module scope (a worker thread), with exactly the environment the synthesized template gives
 * that function (CloudFormation references resolved to plausible names) plus what the Lambda runtime
 * sets. An unresolved import or a cold-start error (a variable its schema requires and the template
 * does not set) fails here, before a deploy would.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, sep } from 'node:path';
import { createRequire, isBuiltin } from 'node:module';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvSchema, type EnvKey } from '#env';
import { needsSharp } from '#lib/bundling.ts';
import { CreditsStack } from '#lib/aws/credits-stack.ts';
import { DEFAULT_SETTINGS } from '#lib/aws/settings.ts';
import { buildBundles, type Bundles } from '#lib/local/bundles.ts';
import { FunctionRunner, type ColdStart } from '#lib/local/runner.ts';
import { verifySigV4 } from '#lib/local/sigv4-check.ts';
import { FUNCTIONS, type FunctionSpec } from '#lib/wiring.ts';

/** What the Lambda runtime adds to a function's template environment. */
const RUNTIME_ENV = { AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'fn', AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };

/** A template value as the deployed function would see it: references become names, ARNs and (a queue's) URLs. */
function resolve(v: unknown, types: Record<string, string> = {}): string {
  if (typeof v === 'string') return v;
  const o = v as Record<string, unknown>;
  // CloudFormation's Ref of an SQS queue is its URL.
  if ('Ref' in o && types[String(o.Ref)] === 'AWS::SQS::Queue') return `https://sqs.us-east-1.amazonaws.com/123456789012/ai-credits-${String(o.Ref).toLowerCase()}`;
  if ('Ref' in o) return `ai-credits-${String(o.Ref).toLowerCase()}`;
  if ('Fn::GetAtt' in o) return `arn:aws:service:us-east-1:123456789012:${String((o['Fn::GetAtt'] as string[])[0]).toLowerCase()}`;
  if ('Fn::Join' in o) return (o['Fn::Join'] as [string, unknown[]])[1].map((x) => resolve(x, types)).join((o['Fn::Join'] as [string])[0]);
  throw new Error(`cannot resolve ${JSON.stringify(v)}`);
}

let bundles: Bundles;
let templateEnv: Map<string, Record<string, string>>;
const runners: FunctionRunner[] = [];

function runner(envFor: (fn: FunctionSpec) => Record<string, string>): FunctionRunner {
  const refuse = () => Promise.reject(new Error('not in this test'));
  const r = new FunctionRunner({ bundles, env: () => ({}), envFor, bus: { publish: refuse }, scheduler: { createOneTime: refuse, deleteOneTime: refuse } });
  runners.push(r);
  return r;
}

interface SeenRequest {
  verdict: ReturnType<typeof verifySigV4>;
  token: unknown;
  target: unknown;
}

/**
 * Invokes blog-publish's bundle with its template environment, the runtime's variables and `extra`,
 * against a stand-in for DynamoDB's endpoint that verifies each request's signature with the runtime's
 * secret. The post's conditional update fails and its read finds nothing, so the handler reports
 * `not_found`. The endpoint is the SDK's own override: DYNAMODB_ENDPOINT would switch the client to the
 * local stack's fixed keys.
 */
async function publishAgainstFakeDynamo(extra: Record<string, string>): Promise<{ requests: SeenRequest[] }> {
  const fn = FUNCTIONS.find((f) => f.id === 'blog-publish')!;
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // DynamoDB signs the body's hash without sending it in a header; the verifier reads it from there.
      const headers = { ...req.headers, 'x-amz-content-sha256': createHash('sha256').update(Buffer.concat(chunks)).digest('hex') };
      const verdict = verifySigV4({ method: req.method!, url: req.url!, headers }, { [RUNTIME_ENV.AWS_ACCESS_KEY_ID]: RUNTIME_ENV.AWS_SECRET_ACCESS_KEY });
      requests.push({ verdict, token: req.headers['x-amz-security-token'], target: req.headers['x-amz-target'] });
      const refused = String(req.headers['x-amz-target']).endsWith('.UpdateItem');
      res
        .writeHead(refused ? 400 : 200, { 'content-type': 'application/x-amz-json-1.0' })
        .end(refused ? JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' }) : '{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const endpoint = { AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    const r = runner(() => ({ ...templateEnv.get(fn.id)!, ...RUNTIME_ENV, ...endpoint, ...extra }));
    expect(await r.invoke(fn, { accountId: 'acct_sig', postId: 'post_sig' })).toEqual({ outcome: 'not_found' });
    return { requests };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

beforeAll(async () => {
  bundles = await buildBundles();
  const app = new App({ builtinCloudFormationValidation: false, treeMetadata: false });
  const stack = new CreditsStack(app, 'Load', { settings: DEFAULT_SETTINGS, codeFor: () => lambda.Code.fromInline('export const handler = 1') });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: { Environment: { Variables: Record<string, unknown> } } }>;
  const types = Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, r.Type]));
  templateEnv = new Map(
    FUNCTIONS.map((f) => {
      const vars = resources[stack.getLogicalId(stack.functions.get(f.id)!.fn.node.defaultChild as CfnElement)]!.Properties.Environment.Variables;
      return [f.id, Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, resolve(v, types)]))];
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(runners.map((r) => r.close()));
});

describe('every bundle', () => {
  it('lives outside any node_modules, with no node_modules above it', () => {
    expect(bundles.dir.split(sep)).not.toContain('node_modules');
    for (let d = dirname(bundles.dir); d !== dirname(d); d = dirname(d)) expect(existsSync(join(d, 'node_modules')), d).toBe(false);
  });

  it('imports only Node built-ins, and sharp only where the function gets the sharp layer, lazily and resolvable there', () => {
    for (const fn of FUNCTIONS) {
      // Built-ins with or without the `node:` prefix (the X-Ray SDK under the Tracer requires `util`, `dgram`, ...).
      const imports = bundles.externals(fn.id).filter((i) => !isBuiltin(i.replace(/^(static|dynamic) /, '')));
      // A static import of sharp would fail the cold start of a function without the layer, text requests included.
      const allowed = needsSharp(fn) ? ['dynamic sharp'] : [];
      expect(imports.filter((i) => !allowed.includes(i)), fn.id).toEqual([]);
      if (imports.includes('dynamic sharp')) expect(createRequire(bundles.file(fn.id)).resolve('sharp'), fn.id).toMatch(/sharp/);
      else expect(readFileSync(bundles.file(fn.id), 'utf8'), fn.id).not.toContain('"sharp"');
    }
  });

  const started = new Map<string, Promise<ColdStart>>();
  const coldStart = (fn: FunctionSpec) => {
    if (!started.has(fn.id)) started.set(fn.id, runner(() => ({ ...templateEnv.get(fn.id)!, ...RUNTIME_ENV })).coldStart(fn));
    return started.get(fn.id)!;
  };

  it("carries none of zod's locales (a named `import { z } from 'zod'` anywhere pulls in all of them, ~350 KB per function)", () => {
    // Czech is one of the locales zod ships; its messages appear in a bundle only with all the others.
    for (const fn of FUNCTIONS) expect(readFileSync(bundles.file(fn.id), 'utf8').includes('Neplatn'), fn.id).toBe(false);
  });

  it("carries zod/mini only, never classic zod (~55 KB more per function: every schema a bundle reaches is built with zod/mini), and of zod's locales English alone", () => {
    for (const fn of FUNCTIONS) {
      const { sources } = JSON.parse(readFileSync(`${bundles.file(fn.id)}.map`, 'utf8')) as { sources: string[] };
      expect(sources.filter((s) => /node_modules\/zod\/(v4\/classic|v3)\//.test(s)), fn.id).toEqual([]);
      const locales = sources.filter((s) => /node_modules\/zod\/v4\/locales\//.test(s)).map((s) => s.replace(/^.*\/locales\//, ''));
      if (sources.some((s) => s.includes('node_modules/zod/'))) expect(locales, fn.id).toEqual(['en.js']);
    }
  });

  it("carries none of the SDK's default credential chain (SSO, STS, sign-in, INI, IMDS and their nested clients): the clients sign with the role's credentials from the environment", () => {
    // The source map names every module in the bundle (its `sources`, even without their content).
    const chain = /node_modules\/@aws-sdk\/(credential-provider-(?!env\/)[^/]+|nested-clients|token-providers)\/|@smithy\/credential-provider-imds\//;
    for (const fn of FUNCTIONS) {
      const { sources } = JSON.parse(readFileSync(`${bundles.file(fn.id)}.map`, 'utf8')) as { sources: string[] };
      expect(sources.length, fn.id).toBeGreaterThan(10);
      expect(sources.filter((s) => chain.test(s)), fn.id).toEqual([]);
      if (sources.some((s) => s.includes('@aws-sdk/core/'))) expect(sources.some((s) => s.endsWith('functions/adapters/no-credential-chain.ts')), fn.id).toBe(true);
    }
  });

  it('carries neither semver (the X-Ray SDK needs it only to patch AWS SDK v2; the traced test below runs that SDK) nor the SDK’s event-stream codecs (streaming operations only; the Bedrock and S3 functions run in the integration tests)', () => {
    for (const fn of FUNCTIONS) {
      const { sources } = JSON.parse(readFileSync(`${bundles.file(fn.id)}.map`, 'utf8')) as { sources: string[] };
      expect(sources.filter((s) => /node_modules\/semver\/|@smithy\/core\/dist-es\/submodules\/event-streams\//.test(s)), fn.id).toEqual([]);
    }
  });

  it('given the template environment and the runtime’s role credentials, when a function calls DynamoDB, then the request is SigV4-signed with those credentials and their session token', async () => {
    const { requests } = await publishAgainstFakeDynamo({});
    expect(requests.length).toBeGreaterThan(0);
    for (const s of requests) {
      expect(s.target).toMatch(/^DynamoDB_20120810\./);
      expect(s.verdict).toEqual({ ok: true, signed: true });
      expect(s.token).toBe(RUNTIME_ENV.AWS_SESSION_TOKEN);
    }
  });

  it('given active tracing (the runtime’s trace header and X-Ray daemon address), when a function calls DynamoDB, then the Tracer sends a subsegment per call to the daemon', async () => {
    const daemon = createSocket('udp4');
    const segments: Array<Record<string, unknown>> = [];
    // Each datagram is a JSON header line, then the (sub)segment document.
    daemon.on('message', (m) => segments.push(JSON.parse(m.toString('utf8').split('\n')[1]!)));
    await new Promise<void>((r) => daemon.bind(0, '127.0.0.1', r));
    try {
      const traceId = '1-5759e988-bd862e3fe1be46a994272793';
      const lambda = {
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        LAMBDA_TASK_ROOT: '/var/task',
        _X_AMZN_TRACE_ID: `Root=${traceId};Parent=53995c3f42cd8ad8;Sampled=1`,
        AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
      };
      const { requests } = await publishAgainstFakeDynamo(lambda);
      await expect.poll(() => segments.filter((s) => s.namespace === 'aws' && s.name === 'DynamoDB').length).toBe(requests.length);
      for (const s of segments.filter((x) => x.name === 'DynamoDB')) expect(s.trace_id).toBe(traceId);
    } finally {
      daemon.close();
    }
  });

  it('given the generation functions, then sharp is left for their layer and imported on first use', () => {
    for (const id of ['generations-create', 'generations-regenerate']) expect(bundles.externals(id)).toContain('dynamic sharp');
  });

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s: cold-starts with its template environment and exports its composition', async (_id, fn) => {
    const c = await coldStart(fn);
    expect(c.composition, fn.id).toBeDefined();
    // The handler refuses to start on another function's route, so this also says it serves its own.
    expect(c.composition!.fn, fn.id).toBe(fn.id);
    expect(c.initMs).toBeGreaterThan(0);
  });

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s: its ports are granted by its wiring access, and its schema asks only for keys the template sets', async (_id, fn) => {
    const { composition } = await coldStart(fn);
    for (const p of composition!.ports) expect(p.access.some((a) => fn.access.includes(a as never)), `${fn.id}: port ${p.name} needs one of ${p.access.join(', ')}`).toBe(true);
    const env = templateEnv.get(fn.id)!;
    const required = (composition!.envKeys as EnvKey[]).filter((k) => !EnvSchema.shape[k].safeParse(undefined).success);
    for (const k of required) expect({ ...env, ...RUNTIME_ENV }, `${fn.id} requires ${k}`).toHaveProperty(k);
  });

  it.each(FUNCTIONS.map((f) => [f.id, f] as const).filter(([, f]) => f.access.length > 0))(
    '%s: without one variable its schema requires, the cold start fails naming it (no production defaults)',
    async (_id, fn) => {
      const { composition } = await coldStart(fn);
      const key = (composition!.envKeys as EnvKey[]).find((k) => k !== 'AWS_REGION' && !EnvSchema.shape[k].safeParse(undefined).success)!;
      expect(key, fn.id).toBeDefined();
      const { [key]: _dropped, ...without } = { ...templateEnv.get(fn.id)!, ...RUNTIME_ENV } as Record<string, string>;
      await expect(runner(() => without).coldStart(fn)).rejects.toThrow(new RegExp(`failed to start: .*${key}`));
    },
  );
});
