/**
 * Per-account caps that stay exact under any concurrency without transactions: each cap is one item per
 * account holding a count and the named slots it counts, changed only by single-item conditional writes.
 * Taking a slot is `count < max AND slot free` → add slot, count + 1, in one write, so 60 parallel
 * requests against a cap of 50 get exactly 50 slots. Giving one back is guarded on the slot still
 * holding the same reference, so a repeated give (a retried publish, a cancel after a publish) never
 * counts twice.
 *
 * Crash safety: a slot is taken before the thing it counts is written, so a process that dies in
 * between leaves a slot that names nothing. The cap never leaks for good: a request that finds the cap
 * full first asks, slot by slot, whether each still counts (`stillCounts`), gives back those that do
 * not, and tries once more.
 */
import { Conflict, LimitReached } from './errors.ts';

export type CapId = 'scheduled-posts' | 'uploads';

export interface CapSlot {
  /** Unique within the cap; a second take of a held key is refused (`slot_taken`). */
  key: string;
  /** What holds the slot (a post id, an upload id): a give must name it. */
  ref: string;
  /** Service-clock time the slot was taken. */
  at: string;
}

export type TakeResult = { ok: true } | { ok: false; reason: 'full' } | { ok: false; reason: 'slot_taken'; holder: CapSlot };

/** The cap items (`CAP#<cap>` in the account's item collection). */
export interface CapStore {
  /** One conditional write: takes `slot` when fewer than `max` are taken and its key is free. */
  take(accountId: string, cap: CapId, slot: CapSlot, max: number): Promise<TakeResult>;
  /** Gives `key` back if `ref` still holds it; false when it did not (already given back). */
  give(accountId: string, cap: CapId, key: string, ref: string): Promise<boolean>;
  /** The slots taken now (consistent read). */
  slots(accountId: string, cap: CapId): Promise<CapSlot[]>;
}

export interface CapRule {
  cap: CapId;
  max: number;
  /** The refusal when the cap is full. */
  message: string;
  /** Whether a slot still counts; false frees it (its holder expired, finished, or never came to be). */
  stillCounts(slot: CapSlot): Promise<boolean> | boolean;
  /** The refusal when the slot's key is held by something that still counts. */
  taken?(holder: CapSlot): Error;
}

/** Takes a slot under `rule`, reclaiming slots that no longer count when the cap looks full. */
export async function takeSlot(caps: CapStore, accountId: string, rule: CapRule, slot: CapSlot): Promise<void> {
  let r = await caps.take(accountId, rule.cap, slot, rule.max);
  if (r.ok) return;
  const held = await caps.slots(accountId, rule.cap);
  const stale = (await Promise.all(held.map(async (s) => ((await rule.stillCounts(s)) ? null : s)))).filter((s): s is CapSlot => s !== null);
  await Promise.all(stale.map((s) => caps.give(accountId, rule.cap, s.key, s.ref)));
  // Once more even when nothing was stale here: a concurrent give may have freed a slot meanwhile.
  r = await caps.take(accountId, rule.cap, slot, rule.max);
  if (r.ok) return;
  if (r.reason === 'slot_taken') throw rule.taken ? rule.taken(r.holder) : new Conflict('This is already in progress.');
  throw new LimitReached(rule.max, rule.message);
}
