/**
 * The local EventBridge Scheduler, on the service clock: recurring schedules of `lib/wiring.ts` and
 * one-time schedules the service creates (kept in a file under the data directory across restarts).
 * Moving the clock with `POST /local/clock` makes due schedules fire on the next tick.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { serviceClock } from '../../functions/core/clock.ts';
import type { LocalSchedulerLike, OneTimeSchedule } from '../../functions/adapters/local-bus.ts';
import { FUNCTIONS, type FunctionSpec } from '../wiring.ts';
import { invoke } from './invoke.ts';
import type { RequestLog } from './server.ts';

function periodMs(expression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) throw new Error(`local scheduler supports rate(...) expressions, not ${expression}`);
  const unit = m[2].startsWith('minute') ? 60_000 : m[2].startsWith('hour') ? 3_600_000 : 86_400_000;
  return Number(m[1]) * unit;
}

export class UnknownSchedule extends Error {
  constructor(id: string) {
    super(`no schedule ${id} in the wiring`);
  }
}

export class LocalScheduler implements LocalSchedulerLike {
  private readonly oneTime = new Map<string, OneTimeSchedule & { attempts: number }>();
  private readonly nextRun = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  readonly deadLetters: Array<{ name: string; error: string }> = [];

  constructor(private readonly log: RequestLog, private readonly file?: string) {
    if (file && existsSync(file)) {
      for (const s of JSON.parse(readFileSync(file, 'utf8')) as OneTimeSchedule[]) this.oneTime.set(s.name, { ...s, attempts: 0 });
    }
    const now = serviceClock.now().getTime();
    for (const fn of FUNCTIONS) for (const s of fn.schedules ?? []) this.nextRun.set(`${fn.id}/${s.id}`, now + periodMs(s.expression));
  }

  start(intervalMs = 250): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  private persist(): void {
    if (this.file) writeFileSync(this.file, JSON.stringify([...this.oneTime.values()].map(({ attempts: _a, ...s }) => s), null, 2));
  }

  async createOneTime(s: OneTimeSchedule): Promise<void> {
    this.oneTime.set(s.name, { ...s, attempts: 0 });
    this.persist();
  }

  async deleteOneTime(name: string): Promise<boolean> {
    const had = this.oneTime.delete(name);
    this.persist();
    return had;
  }

  pending(): OneTimeSchedule[] {
    return [...this.oneTime.values()];
  }

  /** Runs a recurring schedule now (e.g. `POST /local/schedules/monthly-refresh`) and returns the handler's result. */
  async runNow(scheduleId: string): Promise<unknown> {
    const fn = FUNCTIONS.find((f) => (f.schedules ?? []).some((s) => s.id === scheduleId));
    if (!fn) throw new UnknownSchedule(scheduleId);
    return invoke(fn, this.scheduledEvent(scheduleId));
  }

  private scheduledEvent(id: string) {
    return { version: '0', id: `local-${id}-${Date.now()}`, 'detail-type': 'Scheduled Event', source: 'aws.scheduler', time: serviceClock.now().toISOString(), detail: {} };
  }

  /** Fires what is due; overlapping ticks wait for each other so a schedule never fires twice at once. */
  async tick(): Promise<void> {
    const previous = this.ticking;
    const run = (async () => {
      await previous;
      const now = serviceClock.now();
      for (const fn of FUNCTIONS) {
        for (const s of fn.schedules ?? []) {
          const key = `${fn.id}/${s.id}`;
          if (now.getTime() < (this.nextRun.get(key) ?? Infinity)) continue;
          this.nextRun.set(key, now.getTime() + periodMs(s.expression));
          await this.fire(key, fn, this.scheduledEvent(s.id));
        }
      }
      for (const s of [...this.oneTime.values()]) {
        if (s.at > now.toISOString()) continue;
        const fn = FUNCTIONS.find((f) => f.id === s.target);
        if (!fn) continue;
        if (await this.fire(s.name, fn, s.payload)) {
          this.oneTime.delete(s.name);
          this.persist();
        } else if (++s.attempts >= 5) {
          this.deadLetters.push({ name: s.name, error: 'gave up after 5 attempts' });
          this.oneTime.delete(s.name);
          this.persist();
        }
      }
    })();
    this.ticking = run;
    await run;
  }

  private async fire(name: string, fn: FunctionSpec, event: unknown): Promise<boolean> {
    try {
      await invoke(fn, event);
      return true;
    } catch (err) {
      this.log({ level: 'ERROR', msg: 'schedule failed', schedule: name, error: String(err) });
      return false;
    }
  }
}
