/**
 * The service clock. In AWS it is the system clock; the local stack shifts it with
 * `POST /local/clock` so cooldowns, periods, webhook timestamps and tokens can be fast-forwarded.
 *
 * The offset lives in one shared cell (a SharedArrayBuffer) on `globalThis`: the local stack hands
 * that buffer to the worker of every function it runs (lib/local/lambda-worker.mjs), so each
 * bundle's copy of this module reads the same offset the main thread sets. In Lambda it stays 0.
 */
export interface Clock {
  now(): Date;
}

const CELL = Symbol.for('ai-credits.clock-offset-ms');

function cell(): Float64Array {
  const g = globalThis as { [CELL]?: Float64Array };
  return (g[CELL] ??= new Float64Array(new SharedArrayBuffer(8)));
}

export const serviceClock: Clock = {
  now: () => new Date(Date.now() + cell()[0]!),
};

/** Sets the clock to real time + `seconds` (absolute, not cumulative). Local stack and tests only. */
export function setClockOffset(seconds: number): void {
  cell()[0] = Math.round(seconds * 1000);
}

export function clockOffsetSeconds(): number {
  return cell()[0]! / 1000;
}

/** The shared memory behind the offset, for the local stack's function workers. */
export function clockMemory(): SharedArrayBuffer {
  return cell().buffer as SharedArrayBuffer;
}

export const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);
