/**
 * The in-process EventBridge: entries are routed by the rules of `lib/wiring.ts` to the same handlers
 * the CDK rules target, asynchronously (the publisher gets its answer before the target runs), with
 * retries like a rule's retry policy; what still fails lands in `deadLetters`.
 *
 * Like EventBridge, an accepted event is not lost when the process stops: with a `file` (the stack's
 * data directory), each delivery is written to it before `publish` resolves (so before the webhook
 * answers 202), removed once its target succeeded or gave up, and delivered by `resume()` after a
 * restart. A restart may deliver an event its target already applied just before the stop: targets are
 * idempotent, as they must be for EventBridge's at-least-once delivery.
 */
import { randomUUID } from 'node:crypto';
import { serviceClock } from '../../functions/core/clock.ts';
import type { BusEntry, LocalBusLike } from '../../functions/adapters/local-bus.ts';
import { FUNCTIONS, type FunctionSpec } from '../wiring.ts';
import { invoke as invokeFunction } from './invoke.ts';
import { readJournal, writeJournal } from './journal.ts';
import type { RequestLog } from './server.ts';

/** One event on its way to one rule target. */
interface Delivery {
  id: string;
  fnId: string;
  event: unknown;
}

interface Journal {
  pending: Delivery[];
  deadLetters: Array<{ event: unknown; error: string }>;
}

export interface LocalBusOptions {
  /** Retries after the first attempt before an event is dead-lettered. */
  retries?: number;
  /** Where accepted events wait for delivery across restarts; none keeps them in memory (tests). */
  file?: string;
  /** How a target is invoked; tests replace it to stand for a process that stops mid-delivery. */
  invoke?: (fn: FunctionSpec, event: unknown) => Promise<unknown>;
  /** Back-off before retry n (0-based). */
  backoffMs?: (attempt: number) => number;
}

export class LocalBus implements LocalBusLike {
  readonly deadLetters: Array<{ event: unknown; error: string }> = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pending = new Map<string, Delivery>();
  private readonly retries: number;
  private readonly file?: string;
  private readonly invoke: (fn: FunctionSpec, event: unknown) => Promise<unknown>;
  private readonly backoffMs: (attempt: number) => number;
  private recovered: Delivery[] = [];

  constructor(
    private readonly log: RequestLog,
    options: LocalBusOptions = {},
  ) {
    this.retries = options.retries ?? 3;
    this.file = options.file;
    this.invoke = options.invoke ?? invokeFunction;
    this.backoffMs = options.backoffMs ?? ((attempt) => 50 * 2 ** attempt);
    const journal = readJournal<Journal>(this.file);
    if (journal) {
      this.recovered = journal.pending;
      for (const d of journal.pending) this.pending.set(d.id, d);
      this.deadLetters.push(...journal.deadLetters);
    }
  }

  /** Events accepted before the last stop and not yet delivered. */
  get backlog(): number {
    return this.pending.size;
  }

  /**
   * Delivers what an earlier process accepted but did not finish. Called once the stack can serve the
   * targets (tables created, environment set), as EventBridge resumes delivery when a target recovers.
   */
  resume(): void {
    const recovered = this.recovered;
    this.recovered = [];
    if (recovered.length) this.log({ level: 'INFO', msg: 'event bus resumes deliveries', count: recovered.length });
    for (const d of recovered) this.track(d);
  }

  async publish(entries: BusEntry[]): Promise<void> {
    const accepted: Delivery[] = [];
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
        if (matches) accepted.push({ id: randomUUID(), fnId: fn.id, event });
      }
    }
    for (const d of accepted) this.pending.set(d.id, d);
    // On disk before the publisher hears "accepted": a stop from here on loses nothing.
    this.persist();
    for (const d of accepted) this.track(d);
  }

  private track(d: Delivery): void {
    const p = this.deliver(d).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async deliver(d: Delivery): Promise<void> {
    const fn = FUNCTIONS.find((f) => f.id === d.fnId);
    await new Promise((r) => setImmediate(r));
    for (let attempt = 0; ; attempt++) {
      try {
        if (!fn) throw new Error(`no function ${d.fnId} in the wiring`);
        await this.invoke(fn, d.event);
        this.settle(d);
        return;
      } catch (err) {
        if (!fn || attempt >= this.retries) {
          this.deadLetters.push({ event: d.event, error: String(err) });
          this.log({ level: 'ERROR', msg: 'event delivery failed', fn: d.fnId, error: String(err) });
          this.settle(d);
          return;
        }
        await new Promise((r) => setTimeout(r, this.backoffMs(attempt)));
      }
    }
  }

  private settle(d: Delivery): void {
    this.pending.delete(d.id);
    this.persist();
  }

  /** The journal is replaced whole (write, fsync, rename), so a stop mid-write leaves the previous one. */
  private persist(): void {
    if (!this.file) return;
    const journal: Journal = { pending: [...this.pending.values()], deadLetters: this.deadLetters };
    writeJournal(this.file, journal);
  }

  /** Resolves when every event published so far (and those they published) has been handled. */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }
}
