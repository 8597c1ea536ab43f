/**
 * The whole local stack in one call: dynalite, the tables, the in-process bus and scheduler, and the
 * local API Gateway. `bin/local.ts` runs it on port 3000 with data under `.data/`; tests run it on a
 * random port in memory.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { parseEnvFor } from '../../functions/env.ts';
import { registerLocal } from '../../functions/adapters/local-bus.ts';
import { setClockOffset } from '../../functions/core/clock.ts';
import { FUNCTIONS, queuesOf } from '../wiring.ts';
import { QUEUES } from '../../functions/resources.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/observability/metrics.ts';
import { LocalBus } from './bus.ts';
import { buildBundles, type Bundles } from './bundles.ts';
import { resetDeps } from './deps.ts';
import { LOCAL_ENV } from './env.ts';
import { useRunner } from './invoke.ts';
import { FunctionRunner } from './runner.ts';
import { createTables, startDynalite, type LocalDynamo } from './dynamo.ts';
import { localRoutes } from './local-routes.ts';
import { startLocalS3, type LocalS3 } from './s3.ts';
import { LocalQueues } from './queues.ts';
import { LocalScheduler } from './scheduler.ts';
import { createLocalServer, type RequestLog } from './server.ts';
import { localLogger, powertoolsRequestLog } from './log.ts';
import { MetricTotals, readStream } from './metrics.ts';
import { localKeys, type LocalKeys } from './tokens.ts';
import { staticAssets } from './statics.ts';
// Local-only routes that play the billing system (checkout page, plan switch) register themselves.
import './billing-routes.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface LocalStackOptions {
  /** HTTP port; 0 picks a free one. */
  port?: number;
  host?: string;
  /** Where data is kept across restarts; undefined keeps everything in memory (tests). */
  dataDir?: string;
  dynamoPort?: number;
  /**
   * A DynamoDB-compatible endpoint that is already running: the stack then starts no dynalite of its own
   * (tests that kill the stack's process keep the data in a server outside it).
   */
  dynamoEndpoint?: string;
  /** Port of the local S3 server (uploads); 0 or undefined picks a free one. */
  s3Port?: number;
  webDir?: string;
  /** Environment overrides over the local values of lib/local/env.ts (rate limits, provider, ...). */
  env?: Record<string, string>;
  /** The stack's own log lines; by default Powertools Logger JSON at the handlers' LOG_LEVEL. */
  log?: RequestLog;
}

export interface LocalStack {
  url: string;
  port: number;
  dynamo: LocalDynamo;
  /** The S3-compatible server of uploads and results (absent when `env.S3_ENDPOINT` names another). */
  s3: LocalS3 | null;
  keys: LocalKeys;
  bus: LocalBus;
  scheduler: LocalScheduler;
  /** The service's work queues (SQS's protocol, on the service clock), feeding their consumers. */
  queues: LocalQueues;
  /** The functions' bundles this stack runs (built, or taken from the cache, at start). */
  bundles: Bundles;
  runner: FunctionRunner;
  /** Invokes a wiring function's bundle directly (as a schedule or a rule target would). */
  invoke(fnId: string, event: unknown): Promise<unknown>;
  /** Running totals of the metrics the functions emitted since start (`GET /local/metrics`). */
  metrics: MetricTotals;
  /** A bearer token for an account (local keys). */
  token(accountId: string, scopes?: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const log: RequestLog = opts.log ?? powertoolsRequestLog(localLogger());
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  // The functions' bundles, as cdk synth builds them (warm: from the content-hashed cache).
  const bundles = await buildBundles();
  log({ level: 'INFO', msg: bundles.built ? 'built the function bundles' : 'function bundles unchanged (cache)', ms: bundles.ms, dir: bundles.dir });
  const dynamo: LocalDynamo = opts.dynamoEndpoint
    ? // Someone else's dynalite: its requests and capacity are not seen here.
      { endpoint: opts.dynamoEndpoint, port: Number(new URL(opts.dynamoEndpoint).port), requests: {}, capacity: {}, meterCapacity: false, close: async () => undefined }
    : await startDynalite({ port: opts.dynamoPort, path: opts.dataDir ? join(opts.dataDir, 'dynamodb') : undefined });

  // The stack's environment: local values (a variable set in the shell wins), then the caller's
  // overrides and the local endpoints. Each function's worker gets its own share of it (env.ts).
  const local = Object.fromEntries(Object.entries(LOCAL_ENV).map(([k, v]) => [k, process.env[k] ?? v]));
  // Powertools' own variables as CDK sets them on every function; no X-Ray daemon here, so no Tracer.
  const powertools = { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE, POWERTOOLS_TRACE_ENABLED: 'false' };
  Object.assign(process.env, local, powertools, opts.env, { DYNAMODB_ENDPOINT: dynamo.endpoint, LOCAL_STACK: '1' });
  const env = parseEnvFor(['TABLE_NAME', 'IDEMPOTENCY_TABLE_NAME', 'UPLOAD_BUCKET', 'WEBHOOK_SECRET', 'AWS_REGION']);
  // The functions' EMF lines (each worker's stdout) become the local metric totals (see metrics.ts for the seam).
  const metrics = new MetricTotals();
  // Uploads and results: s3rver under <dataDir>/s3, or a temporary directory removed on close. On
  // 127.0.0.1, the host every presigned URL names, so a browser on this machine reaches it directly.
  const s3Dir = opts.dataDir ? join(opts.dataDir, 's3') : mkdtempSync(join(tmpdir(), 'ai-credits-s3-'));
  const s3 = opts.env?.S3_ENDPOINT ? null : await startLocalS3({ port: opts.s3Port ?? 0, directory: s3Dir, bucket: env.UPLOAD_BUCKET });
  if (s3) process.env.S3_ENDPOINT = s3.endpoint;
  resetDeps();
  setClockOffset(0);
  await createTables(dynamo.endpoint, env.TABLE_NAME, env.IDEMPOTENCY_TABLE_NAME);

  const keys = await localKeys(opts.dataDir ? join(opts.dataDir, 'jwt-keys.json') : undefined);
  // Accepted events wait for delivery in <dataDir>/bus.json, so a restart delivers them (as EventBridge would).
  const bus = new LocalBus(log, { file: opts.dataDir ? join(opts.dataDir, 'bus.json') : undefined });
  const scheduler = new LocalScheduler(log, opts.dataDir ? join(opts.dataDir, 'schedules.json') : undefined);
  // This process's own ports (local routes, tests' deps()) reach them directly, the functions by message.
  registerLocal({ bus, scheduler });
  // The work queues, durable in <dataDir>/queues.json; their URLs go to the functions that send to them.
  const queues = new LocalQueues({ log, file: opts.dataDir ? join(opts.dataDir, 'queues.json') : undefined, region: env.AWS_REGION });
  await queues.listen();
  for (const q of queuesOf()) process.env[QUEUES[q].envKey] = queues.url(q);
  const runner = new FunctionRunner({ bundles, bus, scheduler, env: () => process.env, stdout: (stream) => readStream(stream, metrics) });
  useRunner(runner);

  let url = '';
  const server: Server = createLocalServer({
    keys,
    log,
    webDir: opts.webDir ?? join(ROOT, 'web', 'dist'),
    localRoutes: localRoutes({ keys, bus, scheduler, metrics, url: () => url, webhookSecret: env.WEBHOOK_SECRET ?? '' }),
    statics: await staticAssets(),
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 0, host, () => res());
  });
  const port = (server.address() as { port: number }).port;
  url = `http://${host}:${port}`;
  // Checkout pages are served by this stack, on whatever port it got (handlers read it at first use).
  process.env.CHECKOUT_BASE_URL = opts.env?.CHECKOUT_BASE_URL ?? `${url}/local/checkout`;
  scheduler.start();
  bus.resume();
  queues.start();

  return {
    url,
    port,
    dynamo,
    s3,
    keys,
    bus,
    scheduler,
    queues,
    bundles,
    runner,
    invoke(fnId, event) {
      const fn = FUNCTIONS.find((f) => f.id === fnId);
      if (!fn) return Promise.reject(new Error(`no function ${fnId} in the wiring`));
      return runner.invoke(fn, event);
    },
    metrics,
    token: (accountId, scopes) => keys.sign({ accountId, scopes }),
    async close() {
      await scheduler.stop();
      await queues.close();
      await bus.drain();
      await runner.close();
      useRunner(undefined);
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      });
      await dynamo.close();
      await s3?.close();
      if (!opts.dataDir) rmSync(s3Dir, { recursive: true, force: true });
      resetDeps();
    },
  };
}
