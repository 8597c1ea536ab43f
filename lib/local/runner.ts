/**
 * Runs each wiring function's bundle the way Lambda would: in a worker thread of its own (its own
 * module scope), with exactly the environment its access gives it (lib/local/env.ts), started on its
 * first invocation (the cold start) and kept warm afterwards. The worker's bus and scheduler calls
 * come back here as messages; the service clock is shared memory; its logs go to this process's
 * stdout and stderr, as Node forwards a worker's.
 */
import { fileURLToPath } from 'node:url';
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

interface Running {
  worker: Worker;
  ready: Promise<ColdStart>;
  pending: Map<number, Pending>;
}

export interface RunnerOptions {
  bundles: Bundles;
  bus: LocalBusLike;
  scheduler: LocalSchedulerLike;
  /** The stack's environment, read when a function starts (a test may point it at a fake first). */
  env: () => NodeJS.ProcessEnv;
  /** Instead of the local share of `env` (lib/local/env.ts): a test's exact environment, e.g. the template's. */
  envFor?: (fn: FunctionSpec) => Record<string, string>;
}

/** What a cold start reports: the bundle's import time and what the function composed. */
export interface ColdStart {
  initMs: number;
  composition?: { envKeys: string[]; ports: Array<{ name: string; access: string[] }> };
}

export class FunctionRunner {
  private readonly running = new Map<string, Running>();
  private nextId = 0;

  constructor(private readonly opts: RunnerOptions) {}

  /** The environment `fn`'s worker gets. */
  envOf(fn: FunctionSpec): Record<string, string> {
    return this.opts.envFor?.(fn) ?? localEnvFor(fn, this.opts.env());
  }

  /** Starts `fn`'s worker (if it is not running) and resolves once its bundle is loaded. */
  coldStart(fn: FunctionSpec): Promise<ColdStart> {
    return this.start(fn).ready;
  }

  async invoke(fn: FunctionSpec, event: unknown): Promise<unknown> {
    const r = this.start(fn);
    await r.ready;
    const id = ++this.nextId;
    const deadline = Date.now() + (fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    return new Promise((resolve, reject) => {
      r.pending.set(id, { resolve, reject });
      r.worker.postMessage({ type: 'invoke', id, event, deadline });
    });
  }

  private start(fn: FunctionSpec): Running {
    const existing = this.running.get(fn.id);
    if (existing) return existing;
    const memoryMb = fn.memoryMb ?? DEFAULT_MEMORY_MB;
    const worker = new Worker(BOOTSTRAP, {
      env: this.envOf(fn),
      // Bare Node, as in Lambda: none of this process's loaders (tsx, vitest).
      execArgv: [],
      workerData: { fn: { id: fn.id, memoryMb }, bundle: this.opts.bundles.file(fn.id), clock: clockMemory() },
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
    });
    const pending = new Map<number, Pending>();
    let ready!: { resolve(c: ColdStart): void; reject(e: Error): void };
    const r: Running = { worker, pending, ready: new Promise<ColdStart>((resolve, reject) => (ready = { resolve, reject })) };
    // Nothing may wait on a cold start that failed without someone seeing why.
    r.ready.catch(() => undefined);
    const fail = (err: Error) => {
      // Like a Lambda whose init failed: this invocation fails, the next one starts a fresh worker.
      if (this.running.get(fn.id) === r) this.running.delete(fn.id);
      ready.reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') ready.resolve({ initMs: m.initMs, composition: m.composition });
      else if (m.type === 'init-error') fail(toError(m.error, `${fn.id} failed to start: `));
      else if (m.type === 'result') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.ok) p?.resolve(m.result);
        else p?.reject(toError(m.error));
      } else if (m.type === 'call') void this.answer(worker, m);
    });
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => fail(new Error(`${fn.id}'s worker exited (code ${code})`)));
    this.running.set(fn.id, r);
    return r;
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

  /** Functions started so far (each a warm worker). */
  started(): string[] {
    return [...this.running.keys()];
  }

  async close(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map((r) => r.worker.terminate()));
  }
}

type WorkerError = { name: string; message: string; stack?: string };
type WorkerMessage =
  | ({ type: 'ready' } & ColdStart)
  | { type: 'init-error'; error: WorkerError }
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: WorkerError }
  | { type: 'call'; id: number; method: string; args: unknown[] };

function toError(e: WorkerError, prefix = ''): Error {
  const err = new Error(prefix + e.message);
  err.name = e.name;
  if (e.stack) err.stack = `${prefix}${e.stack}`;
  return err;
}
