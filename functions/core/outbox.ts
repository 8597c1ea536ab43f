/**
 * The event outbox's relay. A change that emits outbound events records them on the balance item in the
 * same write (`Change.events`, the list `eo`); the relay hands the outbox's head to the outbound queue and
 * then trims exactly what it sent, guarded on the outbox head still being the first event sent. A relay
 * that dies between the two leaves the events in place, and the next relay sends the same ids again
 * (at-least-once; receivers dedupe on `id`). Relays run in the writer right after its write (when its
 * function has the `outbound` port) and in the hourly job, which finds outboxes a dead writer (or a
 * function without the port) left behind through the sparse `events-due` index.
 *
 * The bound: `LIMITS.outboxMaxEvents` events (~200 bytes each). Balance alerts, the only events a writer
 * can defer, are not written into a full outbox (their transition waits; its state is on the item, so
 * it is decided again once a relay made room). The other events come with changes that must land (a
 * refresh, a reset, an expiry, a paid top-up, a cooldown) and are bounded by how often those happen.
 */
import { noticeAlerts, writeNotification, type AlertDeps } from './alerts.ts';
import type { OutboundDeps, OutboundEvent } from './outbound.ts';
import type { AccountState } from './ports.ts';

export interface RelayDeps extends AlertDeps, OutboundDeps {
  /** The bus: `topup.requested` also goes there (detail-type `TopUpRequested`). Optional (a port not every writer has). */
  events?: { publishTopUpRequested(event: OutboundEvent): Promise<void> };
}

/** Test hook: throws between the enqueue and the trim, as a relay that dies there would. */
export const relayFaults: { beforeTrim?: () => void } = {};

/** A field of `deps` only when some port provides it (the composed deps refuse to invent one). */
const optional = <K extends keyof RelayDeps>(deps: RelayDeps, key: K): RelayDeps[K] | undefined => (key in deps ? deps[key] : undefined);

/**
 * Hands the outbox `account` shows (as a write answered it, or as read) to the outbound queue, writes
 * the in-app notifications of its alert events (ids derived from the events: a repeat keeps one), and
 * trims what it sent. Without the queue it does nothing. Returns how many events it handed on.
 */
export async function relayOutbox(deps: RelayDeps, account: AccountState): Promise<number> {
  const queue = optional(deps, 'outbound');
  const outbox = optional(deps, 'outbox');
  if (!queue || !outbox || account.outbox.length === 0) return 0;
  const bus = optional(deps, 'events');
  let sent: readonly OutboundEvent[] = account.outbox;
  // Without the bus, only what comes before the first `topup.requested` (that one must reach the bus too).
  const first = bus ? -1 : sent.findIndex((e) => e.type === 'topup.requested');
  if (first >= 0) sent = sent.slice(0, first);
  if (sent.length === 0) return 0;
  await queue.enqueue(sent);
  for (const e of sent) if (e.type === 'topup.requested') await bus!.publishTopUpRequested(e);
  await Promise.all(sent.map((e) => writeNotification(deps, e)));
  relayFaults.beforeTrim?.();
  await outbox.trim(account.accountId, sent);
  return sent.length;
}

/**
 * After a writer's change: the balance alerts it calls for, then the relay of the outbox. Never fails
 * the change it follows: what it could not hand on stays in the outbox for the next relay.
 */
export async function afterChange(deps: RelayDeps, account: AccountState): Promise<void> {
  try {
    await relayOutbox(deps, await noticeAlerts(deps, account));
  } catch {
    // The change landed; its alerts are decided again by the next writer and its events wait in the outbox.
  }
}

/** A live writer relays within seconds; the job takes outboxes older than this, so it rarely sends twice. */
export const RELAY_GRACE_SECONDS = 60;
