/**
 * The seam between handlers and the local stack's event bus and scheduler, which live in the stack's
 * main thread: the worker running a function's bundle puts proxies on `globalThis` that turn each
 * call into a message (lib/local/lambda-worker.mjs), and the adapters chosen when `LOCAL_STACK=1`
 * use them. In AWS these are EventBridge PutEvents and EventBridge Scheduler.
 */
export interface BusEntry {
  source: string;
  detailType: string;
  detail: unknown;
}

export interface LocalBusLike {
  publish(entries: BusEntry[]): Promise<void>;
}

export interface OneTimeSchedule {
  /** Unique name; creating an existing name replaces it. */
  name: string;
  at: string;
  /** The wiring function (a `scheduleTarget`) to invoke with `payload`. */
  target: string;
  payload: unknown;
}

export interface LocalSchedulerLike {
  createOneTime(s: OneTimeSchedule): Promise<void>;
  deleteOneTime(name: string): Promise<boolean>;
}

const PARTS = Symbol.for('ai-credits.local-parts');
type Parts = { bus?: LocalBusLike; scheduler?: LocalSchedulerLike };
const parts = (): Parts => (globalThis as { [PARTS]?: Parts })[PARTS] ?? {};

export function localBus(): LocalBusLike {
  const { bus } = parts();
  if (!bus) throw new Error('LOCAL_STACK=1 but no local bus is registered (run the function through lib/local/runner.ts)');
  return bus;
}

export function localScheduler(): LocalSchedulerLike {
  const { scheduler } = parts();
  if (!scheduler) throw new Error('LOCAL_STACK=1 but no local scheduler is registered (run the function through lib/local/runner.ts)');
  return scheduler;
}

/** The main thread's own registration (its local routes and tests use the same bus and scheduler). */
export function registerLocal(p: Parts): void {
  (globalThis as { [PARTS]?: Parts })[PARTS] = { ...parts(), ...p };
}
