/**
 * The seam between handlers and the local stack's in-process event bus and scheduler: the local
 * stack registers them here, and the adapters chosen when `LOCAL_STACK=1` use them.
 * In AWS these are EventBridge PutEvents and EventBridge Scheduler.
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

let bus: LocalBusLike | undefined;
let scheduler: LocalSchedulerLike | undefined;

export function registerLocal(parts: { bus?: LocalBusLike; scheduler?: LocalSchedulerLike }): void {
  if (parts.bus) bus = parts.bus;
  if (parts.scheduler) scheduler = parts.scheduler;
}

export function localBus(): LocalBusLike {
  if (!bus) throw new Error('LOCAL_STACK=1 but no local bus is registered');
  return bus;
}

export function localScheduler(): LocalSchedulerLike {
  if (!scheduler) throw new Error('LOCAL_STACK=1 but no local scheduler is registered');
  return scheduler;
}
