/**
 * The whole local stack in one call: dynalite, the tables, the in-process bus and scheduler, and the
 * local API Gateway. `bin/local.ts` runs it on port 3000 with data under `.data/`; tests run it on a
 * random port in memory.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { parseEnv } from '../../functions/config.ts';
import { registerLocal } from '../../functions/adapters/local-bus.ts';
import { resetDeps } from '../../functions/http/deps.ts';
import { setClockOffset } from '../../functions/core/clock.ts';
import { LocalBus } from './bus.ts';
import { createTables, startDynalite, type LocalDynamo } from './dynamo.ts';
import { localRoutes } from './local-routes.ts';
import { startLocalS3, type LocalS3 } from './s3.ts';
import { LocalScheduler } from './scheduler.ts';
import { createLocalServer, type RequestLog } from './server.ts';
import { localLogger, powertoolsRequestLog } from './log.ts';
import { captureStdout, MetricTotals } from './metrics.ts';
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
  /** Port of the local S3 server (uploads); 0 or undefined picks a free one. */
  s3Port?: number;
  webDir?: string;
  /** Extra environment for the handlers (rate limits, provider, ...). */
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
  /** Running totals of the metrics the functions emitted since start (`GET /local/metrics`). */
  metrics: MetricTotals;
  /** A bearer token for an account (local keys). */
  token(accountId: string, scopes?: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const dynamo = await startDynalite({ port: opts.dynamoPort, path: opts.dataDir ? join(opts.dataDir, 'dynamodb') : undefined });

  // The handlers read their configuration from the environment, as in Lambda.
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    LOCAL_STACK: '1',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    // No X-Ray daemon here: the Tracer stays off (it also is outside Lambda).
    POWERTOOLS_TRACE_ENABLED: 'false',
    ...opts.env,
  });
  const env = parseEnv();
  const log: RequestLog = opts.log ?? powertoolsRequestLog(localLogger(env.LOG_LEVEL));
  // The functions' EMF lines on stdout become the local metric totals (see metrics.ts for the seam).
  const metrics = new MetricTotals();
  const releaseStdout = captureStdout(metrics);
  // Uploads and results: s3rver under <dataDir>/s3, or a temporary directory removed on close. On
  // 127.0.0.1, the host every presigned URL names, so a browser on this machine reaches it directly.
  const s3Dir = opts.dataDir ? join(opts.dataDir, 's3') : mkdtempSync(join(tmpdir(), 'ai-credits-s3-'));
  const s3 = opts.env?.S3_ENDPOINT ? null : await startLocalS3({ port: opts.s3Port ?? 0, directory: s3Dir, bucket: env.UPLOAD_BUCKET });
  if (s3) process.env.S3_ENDPOINT = s3.endpoint;
  resetDeps();
  setClockOffset(0);
  await createTables(dynamo.endpoint, env.TABLE_NAME, env.IDEMPOTENCY_TABLE_NAME);

  const keys = await localKeys(opts.dataDir ? join(opts.dataDir, 'jwt-keys.json') : undefined);
  const bus = new LocalBus(log);
  const scheduler = new LocalScheduler(log, opts.dataDir ? join(opts.dataDir, 'schedules.json') : undefined);
  registerLocal({ bus, scheduler });

  let url = '';
  const server: Server = createLocalServer({
    keys,
    log,
    webDir: opts.webDir ?? join(ROOT, 'web', 'dist'),
    localRoutes: localRoutes({ keys, bus, scheduler, metrics, url: () => url, webhookSecret: env.WEBHOOK_SECRET }),
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

  return {
    url,
    port,
    dynamo,
    s3,
    keys,
    bus,
    scheduler,
    metrics,
    token: (accountId, scopes) => keys.sign({ accountId, scopes }),
    async close() {
      await scheduler.stop();
      await bus.drain();
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      });
      await dynamo.close();
      await s3?.close();
      if (!opts.dataDir) rmSync(s3Dir, { recursive: true, force: true });
      releaseStdout();
      resetDeps();
    },
  };
}
