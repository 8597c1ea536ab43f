/**
 * The in-process EventBridge: entries are routed by the rules of `lib/wiring.ts` to the same handlers
 * the CDK rules target, asynchronously (the publisher gets its answer before the target runs), with
 * retries like a rule's retry policy; what still fails lands in `deadLetters`.
 */
import { randomUUID } from 'node:crypto';
import { serviceClock } from '../../functions/core/clock.ts';
import type { BusEntry, LocalBusLike } from '../../functions/adapters/local-bus.ts';
import { FUNCTIONS } from '../wiring.ts';
import { invoke } from './invoke.ts';
import type { RequestLog } from './server.ts';

export class LocalBus implements LocalBusLike {
  readonly deadLetters: Array<{ event: unknown; error: string }> = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly log: RequestLog, private readonly retries = 3) {}

  async publish(entries: BusEntry[]): Promise<void> {
    for (const entry of entries) {
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.detailType,
        source: entry.source,
        account: '000000000000',
        time: serviceClock.now().toISOString(),
        region: 'local',
        resources: [],
        detail: entry.detail,
      };
      for (const fn of FUNCTIONS) {
        const matches = (fn.rules ?? []).some((r) => r.source === entry.source && r.detailTypes.includes(entry.detailType));
        if (!matches) continue;
        const p = this.deliver(fn.id, event).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
    }
  }

  private async deliver(fnId: string, event: unknown): Promise<void> {
    const fn = FUNCTIONS.find((f) => f.id === fnId)!;
    await new Promise((r) => setImmediate(r));
    for (let attempt = 0; ; attempt++) {
      try {
        await invoke(fn, event);
        return;
      } catch (err) {
        if (attempt >= this.retries) {
          this.deadLetters.push({ event, error: String(err) });
          this.log({ level: 'ERROR', msg: 'event delivery failed', fn: fnId, error: String(err) });
          return;
        }
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  /** Resolves when every event published so far (and those they published) has been handled. */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }
}
