/**
 * Outbound events for the platform (webhooks to endpoints an admin registers): what leaves the service.
 * A change that emits one records it on the balance item in the same write (the event outbox), so a process
 * that dies after the change still delivers: whoever next relays that account's outbox (the writer right after
 * its write, the next request on the account, or the scheduled job) hands it to the outbound queue, which
 * delivers at least once, with the same `id` on every attempt.
 */
import { newId } from './ids.ts';

export type OutboundEventType =
  | 'credits.low_balance'
  | 'credits.depleted'
  | 'credits.recovered'
  | 'credits.reset'
  | 'credits.refreshed'
  | 'credits.expired'
  | 'topup.requested'
  | 'topup.completed'
  | 'ratelimit.cooldown_started'
  | 'generation_job.completed';

export const OUTBOUND_EVENT_TYPES: readonly OutboundEventType[] = [
  'credits.low_balance',
  'credits.depleted',
  'credits.recovered',
  'credits.reset',
  'credits.refreshed',
  'credits.expired',
  'topup.requested',
  'topup.completed',
  'ratelimit.cooldown_started',
  'generation_job.completed',
];

/** As delivered (the body is this JSON, signed like incoming billing webhooks with the endpoint's secret). */
export interface OutboundEvent {
  /** `evt_…`, fixed when the change is written: every delivery attempt of it carries the same id. */
  id: string;
  type: OutboundEventType;
  createdAt: string;
  data: { accountId: string } & Record<string, unknown>;
}

/** Takes events from an account's outbox for delivery. Must be safe to call twice with the same event (ids dedupe). */
export interface OutboundQueue {
  enqueue(events: readonly OutboundEvent[]): Promise<void>;
}

/**
 * The relay's side of the event outbox on the balance item (events are appended by the credit store's
 * writes). Only functions that relay carry it, so the read path's bundles do not.
 */
export interface OutboxStore {
  /**
   * Removes `sent` (the head of the outbox, as read) from the outbox, guarded on its head still being
   * `sent[0]`; false if another relay trimmed first. Emptying it takes the item out of `events-due`.
   */
  trim(accountId: string, sent: readonly OutboundEvent[]): Promise<boolean>;
  /** Accounts whose outbox has held events since `before` or earlier, a page at a time (for the scheduled job). */
  dueAccounts(before: string, shard: number, cursor?: string, limit?: number): Promise<{ accountIds: string[]; cursor?: string }>;
}

export interface OutboundDeps {
  /** Optional: a function without it leaves its events in the outbox for the next relay. */
  outbound?: OutboundQueue;
  /** Comes with `outbound` (the same port). */
  outbox?: OutboxStore;
}

/** An event as a change records it: its id and instant are fixed here, once, for every delivery attempt. */
export function outboundEvent(now: Date, type: OutboundEventType, accountId: string, data: Record<string, unknown> = {}): OutboundEvent {
  return { id: newId('evt', now), type, createdAt: now.toISOString(), data: { accountId, ...data } };
}
