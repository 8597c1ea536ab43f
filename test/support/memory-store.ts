/**
 * In-memory fakes of the credit, notification and rate-limit ports, for unit tests of the domain.
 * `apply` honours every guard of the port with the predicates the DynamoDB adapter's condition
 * expression is built from (`functions/adapters/balance-guards.ts`),
 * atomically (JavaScript runs one apply at a time), so the use cases' race handling can be exercised.
 */
import { applyAutoTopUp, autoTopUpGuardHolds } from '../../functions/adapters/auto-top-up-attributes.ts';
import { guardHolds } from '../../functions/adapters/balance-guards.ts';
import type { Clock } from '../../functions/core/clock.ts';
import type { OutboundEvent } from '../../functions/core/outbound.ts';
import {
  availableOf,
  type AccountState,
  type Change,
  type ChangeResult,
  type CreditStore,
  type LedgerEntry,
  type LedgerPage,
  type NewAccount,
  type NewLedgerEntry,
  type Notification,
  type NotificationStore,
} from '../../functions/core/ports.ts';

type Stored = Omit<AccountState, 'pending'> & { appliedOps: Set<string>; ledger: LedgerEntry[]; sourceDueAt?: string; eventsDueAt?: string };

export class MemoryCreditStore implements CreditStore, NotificationStore {
  readonly accounts = new Map<string, Stored>();
  readonly notes = new Map<string, Notification[]>();
  /** Calls of apply, to assert how many writes a use case made. */
  writes = 0;

  private view(s: Stored): AccountState {
    const { appliedOps: _a, ledger: _l, sourceDueAt: _d, eventsDueAt: _e, ...rest } = s;
    return structuredClone({ ...rest, pending: [] });
  }

  async getAccount(id: string) {
    const s = this.accounts.get(id);
    return s ? this.view(s) : null;
  }

  async getAccounts(ids: string[]) {
    return ids.flatMap((id) => (this.accounts.has(id) ? [this.view(this.accounts.get(id)!)] : []));
  }

  async createAccount(initial: NewAccount, grant: NewLedgerEntry) {
    if (!this.accounts.has(initial.accountId)) {
      const empty = { sources: [], sourced: 0, sourcesVersion: 0, expiryNoticed: [], outbox: [] as OutboundEvent[] };
      this.accounts.set(initial.accountId, { ...initial, ...empty, allowanceEpoch: 0, seq: 1, holds: [], rate: null, appliedOps: new Set(), ledger: [{ ...grant, seq: 1, balanceAfter: availableOf(initial) }] });
    }
    return this.view(this.accounts.get(initial.accountId)!);
  }

  async apply(id: string, change: Change): Promise<ChangeResult> {
    const s = this.accounts.get(id);
    if (!s) return { ok: false, account: null };
    // The same predicates the DynamoDB store's condition expression is built from.
    const holds = guardHolds(change.guard, s);
    // The auto top-up state, as the store built with its attributes keeps it (none stored: the default).
    const auto = s.autoTopUp ?? { setting: null, pending: null, month: null, count: 0, failures: 0, limitNotifiedAt: null };
    if (!holds || (change.autoTopUp && !autoTopUpGuardHolds(change.autoTopUp.guard, { ...auto, buckets: s }))) return { ok: false, account: this.view(s) };
    if (change.autoTopUp) s.autoTopUp = applyAutoTopUp(auto, change.autoTopUp);
    this.writes++;
    const before = availableOf(s);
    s.allowanceRemaining += change.allowanceDelta ?? 0;
    s.purchased += change.purchasedDelta ?? 0;
    Object.assign(s, change.set ?? {});
    if (change.newAllowanceEpoch) s.allowanceEpoch++;
    if (change.opId) s.appliedOps.add(change.opId);
    // A hold without an epoch records the account's own, as the DynamoDB write does.
    if (change.hold) s.holds.push({ ...change.hold, epoch: change.hold.epoch ?? s.allowanceEpoch });
    if (change.rate?.kind === 'count') s.rate!.count++;
    if (change.rate?.kind === 'open') s.rate = { windowStart: change.rate.windowStart, windowEnd: change.rate.windowEnd, count: 1 };
    if (change.rate?.kind === 'cooldown') s.rate = { ...s.rate!, cooldownUntil: change.rate.until, windowEnd: change.rate.until };
    if (change.releaseHold) s.holds = s.holds.filter((h) => h.generationId !== change.releaseHold);
    if (change.holdJob) s.jobHolds = [...(s.jobHolds ?? []), { ...change.holdJob, refunded: 0 }];
    if (change.jobRefunded) {
      const { jobId, to, end } = change.jobRefunded;
      s.jobHolds = end ? (s.jobHolds ?? []).filter((j) => j.jobId !== jobId) : (s.jobHolds ?? []).map((j) => (j.jobId === jobId ? { ...j, refunded: to } : j));
    }
    // Sources as the DynamoDB store keeps them: deltas, a new one, removed ones, the version and the total.
    for (const [sid, delta] of Object.entries(change.sourceDeltas ?? {})) {
      s.sourced += delta;
      const src = s.sources.find((x) => x.id === sid);
      if (src) src.remaining += delta;
    }
    if (change.addSource) (s.sources.push({ ...change.addSource }), (s.sourced += change.addSource.remaining));
    if (change.removeSources?.length) {
      s.sources = s.sources.filter((x) => !change.removeSources!.includes(x.id));
      s.expiryNoticed = s.expiryNoticed.filter((x) => !change.removeSources!.includes(x));
    }
    if (change.noticeExpiry?.length) s.expiryNoticed = [...new Set([...s.expiryNoticed, ...change.noticeExpiry])];
    if (change.addSource || change.removeSources?.length || change.noticeExpiry?.length || change.touchSources) s.sourcesVersion++;
    if (change.sourceDueAt !== undefined) s.sourceDueAt = change.sourceDueAt ?? undefined;
    if (change.alerts) s.alerts = structuredClone(change.alerts);
    if (change.events?.length) (s.outbox.push(...structuredClone(change.events)), (s.eventsDueAt ??= change.events[0].createdAt));
    let running = before;
    for (const e of change.entries) {
      running += e.amount;
      s.ledger.push({ ...e, seq: ++s.seq, balanceAfter: running });
    }
    return { ok: true, account: this.view(s) };
  }

  async ledgerPage(id: string, limit: number, cursor?: string): Promise<LedgerPage> {
    const before = cursor ? Number(cursor) : Infinity;
    const items = [...(this.accounts.get(id)?.ledger ?? [])].filter((e) => e.seq < before).reverse().slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === limit && last && last.seq > 1 ? String(last.seq) : null };
  }

  /** The `OutboxStore` of the relay over this store's accounts. */
  readonly outbox = {
    trim: (id: string, sent: readonly OutboundEvent[]) => this.trimOutbox(id, sent),
    dueAccounts: async (before: string) => this.outboxDueAccounts(before),
  };

  async trimOutbox(id: string, sent: readonly OutboundEvent[]) {
    const s = this.accounts.get(id);
    if (!s || s.outbox[0]?.id !== sent[0]?.id) return false;
    s.outbox.splice(0, sent.length);
    if (!s.outbox.length) s.eventsDueAt = undefined;
    return true;
  }

  async outboxDueAccounts(before: string) {
    return { accountIds: [...this.accounts.values()].filter((a) => a.eventsDueAt !== undefined && a.eventsDueAt <= before).map((a) => a.accountId) };
  }

  async sourceDueAccounts(now: string) {
    return { accountIds: [...this.accounts.values()].filter((a) => a.sourceDueAt !== undefined && a.sourceDueAt <= now).map((a) => a.accountId) };
  }

  async dueAccounts(now: string) {
    return { accountIds: [...this.accounts.values()].filter((a) => a.periodEnd <= now).map((a) => a.accountId) };
  }

  async add(id: string, n: Omit<Notification, 'readAt'>) {
    const list = this.notes.get(id) ?? [];
    if (!list.some((x) => x.id === n.id)) list.push({ ...n, readAt: null });
    this.notes.set(id, list);
  }

  async list(id: string, limit: number) {
    return { items: [...(this.notes.get(id) ?? [])].reverse().slice(0, limit), nextCursor: null };
  }

  async markRead(id: string, nid: string, at: string) {
    const n = this.notes.get(id)?.find((x) => x.id === nid);
    if (!n) return null;
    n.readAt ??= at;
    return n;
  }
}

/** A clock the test moves by hand. */
export function manualClock(start = '2026-01-31T10:00:00.000Z'): Clock & { set(iso: string): void; advance(seconds: number): void } {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso) => (now = new Date(iso)),
    advance: (seconds) => (now = new Date(now.getTime() + seconds * 1000)),
  };
}
