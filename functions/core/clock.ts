/**
 * The service clock. In AWS it is the system clock; the local stack shifts it with
 * `POST /local/clock` so cooldowns, periods, webhook timestamps and tokens can be fast-forwarded.
 */
export interface Clock {
  now(): Date;
}

let offsetMs = 0;

export const serviceClock: Clock = {
  now: () => new Date(Date.now() + offsetMs),
};

/** Sets the clock to real time + `seconds` (absolute, not cumulative). Local stack and tests only. */
export function setClockOffset(seconds: number): void {
  offsetMs = Math.round(seconds * 1000);
}

export function clockOffsetSeconds(): number {
  return offsetMs / 1000;
}

export const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);
