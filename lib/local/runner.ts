/**
 * Runs each wiring function's bundle the way Lambda would: in execution environments of its own (worker
 * threads, each its own module scope), with exactly the environment its access gives it
 * (lib/local/env.ts). An environment starts on demand (the cold start), runs one invocation at a time and
 * stays warm; concurrent invocations get further environments, up to the function's reserved
 * concurrency (or LOCAL_CONCURRENCY), and wait for a free one beyond it. The worker's bus and scheduler calls
 * come back here as messages; the service clock is shared memory; its logs go to this process's
 * stdout and stderr, as Node forwards a worker's.
 */
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { clockMemory } from '../../functions/core/clock.ts';
import type { LocalBusLike, LocalSchedulerLike } from '../../functions/adapters/local-bus.ts';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS } from '../aws/service-function.ts';
import type { FunctionSpec } from '../wiring.ts';
import type { Bundles } from './bundles.ts';
import { localEnvFor } from './env.ts';

const BOOTSTRAP = fileURLToPath(new URL('./lambda-worker.mjs', import.meta.url));

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** One execution environment: a worker with the bundle loaded, running one invocation at a time. */
interface Environment {
  worker: Worker;
  ready: Promise<ColdStart>;
  /** The invocation in progress, if any. */
  busy?: { id: number } & Pending;
}

interface Invocation extends Pending {
  event: unknown;
}

/** A function's environments and the invocations waiting for one. */
interface Pool {
  envs: Environment[];
  queue: Invocation[];
}

/**
 * Environments a function may run at once when its wiring reserves none. Lambda gives each concurrent
 * invocation an environment of its own; here a burst beyond this waits for a free one (so its timeout,
 * like Lambda's, counts from its start, not from the burst's).
 */
export const LOCAL_CONCURRENCY = 8;
export interface RunnerOptions {
  bundles: Bundles;
  bus: LocalBusLike;
  scheduler: LocalSchedulerLike;
  /** The stack's environment, read when a function starts (a test may point it at a fake first). */
  env: () => NodeJS.ProcessEnv;
  /** Instead of the local share of `env` (lib/local/env.ts): a test's exact environment, e.g. the template's. */
  envFor?: (fn: FunctionSpec) => Record<string, string>;
  /** Reads each worker's stdout (the local metrics read EMF lines there); unset, Node forwards it to ours. */
  stdout?: (stream: Readable, fn: FunctionSpec) => void;
}

/** What a cold start reports: the bundle's import time and what the function composed. */
export interface ColdStart {
  initMs: number;
  composition?: { fn: string; envKeys: string[]; ports: Array<{ name: string; access: string[] }> };
}

export class FunctionRunner {
  private readonly pools = new Map<string, Pool>();
  private nextId = 0;
  private closed = false;
  /** Per function: the AWS calls it made (`dynamodb:UpdateItem ai-credits-local`), see functions/adapters/aws-calls.ts. */
  readonly calls = new Map<string, Set<string>>();

  constructor(private readonly opts: RunnerOptions) {}

  /** The environment `fn`'s worker gets. */
  envOf(fn: FunctionSpec): Record<string, string> {
    return this.opts.envFor?.(fn) ?? localEnvFor(fn, this.opts.env());
  }

  /** Starts `fn`'s first environment (if none is running) and resolves once its bundle is loaded. */
  coldStart(fn: FunctionSpec): Promise<ColdStart> {
    const pool = this.pool(fn);
    return (pool.envs[0] ?? this.start(fn, pool)).ready;
  }

  invoke(fn: FunctionSpec, event: unknown): Promise<unknown> {
    const pool = this.pool(fn);
    return new Promise((resolve, reject) => {
      pool.queue.push({ event, resolve, reject });
      this.dispatch(fn, pool);
    });
  }

  private pool(fn: FunctionSpec): Pool {
    let pool = this.pools.get(fn.id);
    if (!pool) this.pools.set(fn.id, (pool = { envs: [], queue: [] }));
    return pool;
  }

  /** Hands waiting invocations to idle environments, starting new ones up to the function's concurrency. */
  private dispatch(fn: FunctionSpec, pool: Pool): void {
    if (this.closed) {
      for (const waiting of pool.queue.splice(0)) waiting.reject(new Error(`${fn.id}: the local stack is closed`));
      return;
    }
    while (pool.queue.length) {
      // An idle environment, else a new one (its invocation is posted once its bundle has loaded).
      const idle = pool.envs.find((e) => !e.busy) ?? (pool.envs.length < (fn.reservedConcurrency ?? LOCAL_CONCURRENCY) ? this.start(fn, pool) : undefined);
      if (!idle) return;
      const next = pool.queue.shift()!;
      const id = ++this.nextId;
      idle.busy = { id, resolve: next.resolve, reject: next.reject };
      // The timeout counts from the invocation's start in its environment (after its cold start, which
      // Lambda times apart), as in Lambda.
      idle.ready.then(
        () => idle.worker.postMessage({ type: 'invoke', id, event: next.event, deadline: Date.now() + (fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000 }),
        () => undefined,
      );
    }
  }

  private start(fn: FunctionSpec, pool: Pool): Environment {
    const memoryMb = fn.memoryMb ?? DEFAULT_MEMORY_MB;
    const worker = new Worker(BOOTSTRAP, {
      env: this.envOf(fn),
      // Bare Node, as in Lambda: none of this process's loaders (tsx, vitest).
      execArgv: [],
      workerData: { fn: { id: fn.id, memoryMb }, bundle: this.opts.bundles.file(fn.id), clock: clockMemory() },
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
      stdout: Boolean(this.opts.stdout),
    });
    if (this.opts.stdout) this.opts.stdout(worker.stdout, fn);
    let ready!: { resolve(c: ColdStart): void; reject(e: Error): void };
    const env: Environment = { worker, ready: new Promise<ColdStart>((resolve, reject) => (ready = { resolve, reject })) };
    // Nothing may wait on a cold start that failed without someone seeing why.
    env.ready.catch(() => undefined);
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      // Like a Lambda environment whose init failed or that crashed: its invocation fails, the next
      // invocation gets a fresh environment.
      const at = pool.envs.indexOf(env);
      if (at >= 0) pool.envs.splice(at, 1);
      ready.reject(err);
      env.busy?.reject(err);
      env.busy = undefined;
      void worker.terminate();
      // An init failure fails what waits for it too (each would fail the same way).
      if (!started || this.closed) for (const waiting of pool.queue.splice(0)) waiting.reject(err);
      else this.dispatch(fn, pool);
    };
    let started = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') {
        started = true;
        ready.resolve({ initMs: m.initMs, composition: m.composition });
      } else if (m.type === 'init-error') fail(toError(m.error, `${fn.id} failed to start: `));
      else if (m.type === 'result') {
        const seen = this.calls.get(fn.id) ?? new Set<string>();
        for (const c of m.calls ?? []) seen.add(c);
        this.calls.set(fn.id, seen);
        const busy = env.busy;
        if (!busy || busy.id !== m.id) return;
        env.busy = undefined;
        if (m.ok) busy.resolve(m.result);
        else busy.reject(toError(m.error));
        this.dispatch(fn, pool);
      } else if (m.type === 'call') void this.answer(worker, m);
    });
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => fail(new Error(`${fn.id}'s worker exited (code ${code})`)));
    pool.envs.push(env);
    return env;
  }

  /** A bus or scheduler call from a function, made on the stack's own. */
  private async answer(worker: Worker, m: Extract<WorkerMessage, { type: 'call' }>): Promise<void> {
    try {
      const [arg] = m.args as [never];
      const result =
        m.method === 'bus.publish'
          ? await this.opts.bus.publish(arg)
          : m.method === 'scheduler.createOneTime'
            ? await this.opts.scheduler.createOneTime(arg)
            : m.method === 'scheduler.deleteOneTime'
              ? await this.opts.scheduler.deleteOneTime(arg)
              : Promise.reject(new Error(`no local method ${m.method}`));
      worker.postMessage({ type: 'reply', id: m.id, ok: true, result });
    } catch (err) {
      worker.postMessage({ type: 'reply', id: m.id, ok: false, error: { name: (err as Error).name, message: String((err as Error).message ?? err) } });
    }
  }

  /** Functions started so far (each with at least one warm environment). */
  started(): string[] {
    return [...this.pools].filter(([, p]) => p.envs.length).map(([id]) => id);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.pools.values()].flatMap((p) => p.envs);
    this.pools.clear();
    await Promise.all(all.map((e) => e.worker.terminate()));
  }
}

type WorkerError = { name: string; message: string; stack?: string };
type WorkerMessage =
  | ({ type: 'ready' } & ColdStart)
  | { type: 'init-error'; error: WorkerError }
  | { type: 'result'; id: number; ok: true; result: unknown; calls?: string[] }
  | { type: 'result'; id: number; ok: false; error: WorkerError; calls?: string[] }
  | { type: 'call'; id: number; method: string; args: unknown[] };

function toError(e: WorkerError, prefix = ''): Error {
  const err = new Error(prefix + e.message);
  err.name = e.name;
  if (e.stack) err.stack = `${prefix}${e.stack}`;
  return err;
}
