/**
 * Crash tests: a local stack in a child process whose DynamoDB traffic passes through a proxy in the test
 * process. A tripwire looks at every request on its way to dynalite; when it matches, the child is killed
 * with SIGKILL before that request is forwarded — the process dies exactly at that point of its work, as a
 * Lambda function does on a timeout or an out-of-memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll } from 'vitest';
import { createTables, startDynalite, type LocalDynamo } from '../../lib/local/dynamo.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** One DynamoDB request as the proxy sees it: the operation (`PutItem`, …) and the JSON body. */
/**
 * One dynalite (with the service's tables) for a test file's killable stacks, started before its tests and
 * closed after them; a stack killed mid-request leaves its writes there for the next one to find.
 */
export function useDynaliteForStacks(): { readonly endpoint: string } {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startDynalite({});
    await createTables(dynamo.endpoint, 'ai-credits-local', 'ai-credits-idempotency-local');
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  return {
    get endpoint() {
      if (!dynamo) throw new Error('dynalite is not started yet: read the endpoint inside a test');
      return dynamo.endpoint;
    },
  };
}

export interface DynamoCall {
  operation: string;
  body: Record<string, any>;
}

export interface KillableStack {
  url: string;
  /** Kill the stack when the next request matching this arrives (before forwarding it). */
  killWhen(tripwire: (call: DynamoCall) => boolean): void;
  /** Resolves when the tripwire has fired and the process is gone. */
  killed(): Promise<void>;
  /** A new process on the same data (the old one must be gone). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startKillableStack(dynamoEndpoint: string): Promise<KillableStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-credits-crash-'));
  let tripwire: ((c: DynamoCall) => boolean) | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let fired: () => void = () => undefined;
  let firedPromise = new Promise<void>((res) => (fired = res));

  const proxy: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    let body: Record<string, any> = {};
    try {
      body = JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      /* not JSON: forwarded as is */
    }
    if (tripwire?.({ operation, body })) {
      tripwire = undefined;
      child?.kill('SIGKILL');
      await exited;
      req.socket.destroy();
      fired();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    try {
      const upstream = await fetch(dynamoEndpoint, { method: req.method, headers, body: raw });
      const text = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/x-amz-json-1.0' });
      res.end(text);
    } catch {
      req.socket.destroy();
    }
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;

  let url = '';
  async function start() {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/support/stack-process.ts')], {
      cwd: ROOT,
      env: { ...process.env, STACK_DYNAMO_ENDPOINT: proxyUrl, STACK_DATA_DIR: dataDir, LOG_LEVEL: 'SILENT', POWERTOOLS_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = proc;
    exited = once(proc, 'exit').then(() => undefined);
    const lines = createInterface({ input: proc.stdout! });
    for await (const line of lines) {
      if (line.startsWith('{"url"')) {
        url = (JSON.parse(line) as { url: string }).url;
        return;
      }
    }
    throw new Error('the stack process ended before it listened');
  }
  await start();

  return {
    get url() {
      return url;
    },
    killWhen(t) {
      tripwire = t;
      firedPromise = new Promise<void>((res) => (fired = res));
    },
    killed: () => firedPromise,
    async restart() {
      await start();
    },
    async close() {
      child?.kill('SIGKILL');
      await exited;
      proxy.closeAllConnections();
      await new Promise((res) => proxy.close(res));
    },
  };
}
