/**
 * The credit store on DynamoDB (and dynalite, which has no transactions).
 *
 * The balance item (`ACCT#id` / `BALANCE`) is the unit of atomicity. A change is one UpdateItem that
 * moves the buckets, bumps `seq` and appends its ledger entries, compactly encoded (`ledger-codec.ts`),
 * to the outbox list `ob` on the same item. Entries are therefore never lost: they are written with the
 * balance. Their sequence numbers and running balances need not be stored: every change of a bucket
 * appends its entries, so the last entry's seq is `seq` and its balance is the item's `available`, and
 * each earlier one follows by counting back.
 * Whenever a write moves the outbox across a multiple of `LIMITS.ledgerFlushEvery` entries, its writer
 * copies every complete block at the head of the outbox to a ledger block item (`LEDGER#<first seq>`,
 * deterministic content, so a repeated or raced flush rewrites the same item) and then removes those
 * entries from the head, guarded on the head being the one it copied. Readers merge the outbox with the
 * block items by sequence number, so the ledger they see always sums to the balance. A held charge (a
 * generation) in the steady state leaves its block to ride on the generation's own write
 * (`companionWrites`) and its trim to the write that releases the hold: no request of their own.
 * Items written before the list outbox keep their `outbox`/`oseq`/`obb` maps and `LEDGER#<seq>`
 * single-entry items; both are still read. Counting back is only sound while no other writer takes a
 * seq without appending to `ob`, and the earlier version's writers do exactly that (they write to the
 * maps). So a write that appends entries is guarded on the item having no `outbox` map, and the first
 * such write to an item in the old format migrates it instead: its map entries are copied to their
 * ledger items and the maps are removed, guarded on `seq` (nothing added in between). From then on an
 * earlier-version writer that adds entries is refused by DynamoDB itself (a nested SET into a missing
 * map is a ValidationException), so a rolling deploy or a rollback can fail such requests, charging
 * nothing, but can never misnumber the ledger. Accounts this version creates never have the maps.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LIMITS } from '../config.ts';
import { ValidationFailed } from '../core/errors.ts';
import {
  type AccountState,
  type Change,
  type ChangeResult,
  type CreditStore,
  type LedgerEntry,
  type LedgerPage,
  type NewLedgerEntry,
  type ChargeHold,
  type CompanionWrite,
  type CreditSource,
  type NewAccount,
  type RateState,
} from '../core/ports.ts';
import { log } from '../observability/log.ts';
import type { OutboundEvent } from '../core/outbound.ts';
import { decodeAlerts, encodeAlerts, guardConditions, HOLD, SOURCE } from './balance-guards.ts';
import { batchPut, isConditionFailure, refusedItem } from './dynamo-client.ts';
import { decodeEntry, encodeEntry, FEATURE, FEATURE_OF } from './ledger-codec.ts';
import { decodeCursor, encodeCursor, LedgerCursor } from './cursor.ts';

/** The refresh job's own cursor (the index's LastEvaluatedKey), never a client's. */

export const accountPk = (accountId: string): string => `ACCT#${accountId}`;
export const BALANCE = 'BALANCE';
const LEDGER = 'LEDGER#';
const seqKey = (seq: number): string => `${LEDGER}${String(seq).padStart(12, '0')}`;

/** Which shard of the refresh-due index an account lives in (stable hash of its id). */
export function dueShardOf(accountId: string): string {
  let h = 0;
  for (let i = 0; i < accountId.length; i++) h = (h * 31 + accountId.charCodeAt(i)) >>> 0;
  return `due#${h % LIMITS.refreshDueShards}`;
}

type Item = Record<string, unknown>;

type PendingEntry = LedgerEntry & { w?: number };

/** A legacy outbox entry as stored: the entry, its offset within its change, and the real time it was written. */
interface StoredEntry extends NewLedgerEntry {
  /** Sum of the amounts of the entries before it in the same change. */
  o: number;
  /** Epoch ms (real time) of the write, to tell abandoned entries from queued ones. */
  w: number;
}

/**
 * The outbox entries of an item with their sequence numbers and running balances. Both were fixed by
 * the write that added the entry (`oseq` = pre-update `seq` + k, `obb` = pre-update balance), so each
 * entry is self-contained even when an older block is still pending behind flushed newer ones.
 */
function legacyPendingOf(item: Item): PendingEntry[] {
  const outbox = (item.outbox ?? {}) as Record<string, string>;
  const oseq = (item.oseq ?? {}) as Record<string, number>;
  const obb = (item.obb ?? {}) as Record<string, number>;
  return Object.keys(outbox)
    .filter((id) => typeof oseq[id] === 'number' && typeof obb[id] === 'number')
    .map((id) => {
      const { o, ...entry } = JSON.parse(outbox[id]) as StoredEntry;
      return { ...entry, seq: oseq[id], balanceAfter: obb[id] + o + entry.amount };
    })
    .sort((a, b) => a.seq - b.seq);
}

/** The stored string of each entry read from the list outbox: a trim is guarded on the head exactly as stored. */
const rawOf = new WeakMap<LedgerEntry, string>();

/**
 * Removes the first `n` outbox entries. Highest index first: DynamoDB resolves every index against the
 * list before the update, while dynalite removes one after another (shifting the rest); in this order
 * both remove the same.
 */
const trimRemoves = (n: number): string[] => Array.from({ length: n }, (_, i) => `ob[${n - 1 - i}]`);
const headOf = (entries: LedgerEntry[]): string => rawOf.get(entries[0]) ?? encodeEntry(stripToNew(entries[0]));

/** The list outbox `ob`, oldest first, with seq and running balance counted back from the item's own. */
function listPendingOf(item: Item): LedgerEntry[] {
  const list = (item.ob ?? []) as string[];
  const out: LedgerEntry[] = [];
  let seq = item.seq as number;
  let balance = (item.allowanceRemaining as number) + (item.purchased as number) + ((item.sourced as number | undefined) ?? 0);
  for (let i = list.length - 1; i >= 0; i--) {
    const e = decodeEntry(list[i]);
    const entry = { ...e, seq: seq--, balanceAfter: balance };
    rawOf.set(entry, list[i]);
    out.push(entry);
    balance -= e.amount;
  }
  return out.reverse();
}

function pendingOf(item: Item): PendingEntry[] {
  return [...legacyPendingOf(item), ...listPendingOf(item)].sort((a, b) => a.seq - b.seq);
}

function toAccount(item: Item): AccountState {
  return {
    accountId: item.accountId as string,
    plan: item.plan as AccountState['plan'],
    allowance: item.allowance as number,
    // Items written before epochs existed are in epoch 0.
    allowanceEpoch: (item.allowanceEpoch as number | undefined) ?? 0,
    allowanceRemaining: item.allowanceRemaining as number,
    purchased: item.purchased as number,
    periodAnchor: item.periodAnchor as string,
    periodStart: item.periodStart as string,
    periodEnd: item.periodEnd as string,
    createdAt: item.createdAt as string,
    lastPlanEventAt: item.lastPlanEventAt as string | undefined,
    lowBalanceNotifiedFor: item.lowBalanceNotifiedFor as string | undefined,
    seq: item.seq as number,
    pending: pendingOf(item),
    holds: holdsOf(item),
    rate: rateOf(item),
    sources: sourcesOf(item),
    sourced: (item.sourced as number | undefined) ?? 0,
    sourcesVersion: (item.sv as number | undefined) ?? 0,
    expiryNoticed: item.xn instanceof Set ? [...(item.xn as Set<string>)] : [],
    alerts: decodeAlerts(item.al),
    outbox: outboxOf(item.eo),
  };
}

/** The event outbox `eo`: each event's JSON, oldest first (a trim compares its head as stored: `JSON.stringify` of the parsed event). */
const outboxOf = (eo: unknown): OutboundEvent[] => ((eo ?? []) as string[]).map((e) => JSON.parse(e) as OutboundEvent);

/** The item's JSON attributes named `<prefix><id>`, as [id, parsed value]. */
export const jsonAttributes = <T>(item: Item, prefix: string): Array<[string, T]> =>
  Object.keys(item)
    .filter((k) => k.startsWith(prefix))
    .map((k) => [k.slice(prefix.length), JSON.parse(item[k] as string) as T]);

/**
 * Sources are top-level attributes too: `src_<id>` (a number, so a charge is `src_<id> - :n` guarded on
 * `src_<id> >= :n`) and its description `srm_<id>`: `[bucket letter, category letter or 0, amount,
 * createdAt ms, expiresAt ms or 0]` (about 45 bytes). The item's TTL attribute is `expiresAt`: nothing on
 * the balance item may ever be called that.
 */
const SOURCE_META = 'srm_';
type EncodedSource = [string, string | 0, number, number, number];
const CATEGORY = { promotional: 'p', compensation: 'c' } as const;
function encodeSource(s: CreditSource): string {
  const fields: EncodedSource = [s.bucket === 'grant' ? 'g' : 'p', s.category ? CATEGORY[s.category] : 0, s.amount, Date.parse(s.createdAt), s.expiresAt ? Date.parse(s.expiresAt) : 0];
  return JSON.stringify(fields);
}
function sourcesOf(item: Item): CreditSource[] {
  return jsonAttributes<EncodedSource>(item, SOURCE_META).map(([id, [b, c, amount, created, expires]]) => {
      return {
        id,
        bucket: b === 'g' ? 'grant' : 'purchased',
        ...(c ? { category: c === 'p' ? 'promotional' : 'compensation' } : {}),
        amount,
        remaining: (item[`${SOURCE}${id}`] as number | undefined) ?? 0,
        expiresAt: expires ? new Date(expires).toISOString() : null,
        createdAt: new Date(created).toISOString(),
      } satisfies CreditSource;
    });
}

/**
 * Holds are top-level `hold_<generationId>` attributes (JSON strings), so no parent map has to exist.
 * A hold written by a charge decided without a read has no epoch in its JSON: the write copied the
 * item's `allowanceEpoch` into `he_<generationId>` instead, atomically with the charge.
 */
const HOLD_EPOCH = 'he_';
function holdsOf(item: Item): ChargeHold[] {
  return Object.keys(item)
    .filter((k) => k.startsWith(HOLD))
    .map((k) => {
      const generationId = k.slice(HOLD.length);
      const stored = JSON.parse(item[k] as string) as (Omit<ChargeHold, 'epoch'> & { epoch?: number }) | EncodedHold;
      const h = Array.isArray(stored) ? decodeHold(generationId, stored) : stored;
      return { ...h, epoch: h.epoch ?? (item[`${HOLD_EPOCH}${generationId}`] as number | undefined) ?? 0 };
    });
}

/**
 * A hold as stored (the generation id is in the attribute name): [allowance, purchased, at, feature,
 * productId?, epoch?], with `at` as epoch milliseconds and the feature as its ledger letter when they
 * round-trip exactly (about 35 bytes instead of 65).
 */
type EncodedHold = [number, number, string | number, string, (string | null)?, (number | null)?, Array<[string, number]>?];
function encodeHold(h: Omit<ChargeHold, 'epoch'> & { epoch?: number }): string {
  const ms = Date.parse(h.at);
  const at = Number.isFinite(ms) && new Date(ms).toISOString() === h.at ? ms : h.at;
  const fields: EncodedHold = [h.allowance, h.purchased, at, FEATURE[h.feature] ?? h.feature, h.productId ?? null];
  if (h.epoch !== undefined || h.sources?.length) fields.push(h.epoch ?? null);
  if (h.sources?.length) fields.push(h.sources.map((x): [string, number] => [x.id, x.amount]));
  return JSON.stringify(fields);
}
function decodeHold(generationId: string, [allowance, purchased, at, feature, productId, epoch, sources]: EncodedHold): Omit<ChargeHold, 'epoch'> & { epoch?: number } {
  return {
    generationId,
    allowance,
    purchased,
    at: typeof at === 'number' ? new Date(at).toISOString() : at,
    feature: (FEATURE_OF[feature] ?? feature) as ChargeHold['feature'],
    ...(productId ? { productId } : {}),
    ...(epoch !== undefined && epoch !== null ? { epoch } : {}),
    ...(sources?.length ? { sources: sources.map(([id, amount]) => ({ id, amount })) } : {}),
  };
}

/** The rate-limit window on the balance item: `rlStart`, `rlEnd`, `rlCount`, `rlCooldown`. */
function rateOf(item: Item): RateState | null {
  if (typeof item.rlEnd !== 'string') return null;
  return {
    windowStart: item.rlStart as string,
    windowEnd: item.rlEnd,
    count: item.rlCount as number,
    ...(typeof item.rlCooldown === 'string' ? { cooldownUntil: item.rlCooldown } : {}),
  };
}

function ledgerItem(accountId: string, e: LedgerEntry): Item {
  const { w: _w, ...entry } = e as LedgerEntry & { w?: number };
  return { pk: accountPk(accountId), sk: seqKey(e.seq), ...entry };
}

function stripWritten(e: LedgerEntry & { w?: number }): LedgerEntry {
  const { w: _w, ...entry } = e;
  return entry;
}

function stripToNew(e: LedgerEntry): NewLedgerEntry {
  const { seq: _s, balanceAfter: _b, w: _w, ...entry } = e as LedgerEntry & { w?: number };
  return entry;
}

/** A ledger item: a block (`le`: encoded entries from the seq in its key, `lb`: the balance before them) or a legacy single entry. */
function fromLedgerItem(item: Item): LedgerEntry[] {
  if (Array.isArray(item.le)) {
    let seq = Number(String(item.sk).slice(LEDGER.length));
    let balance = item.lb as number;
    return (item.le as string[]).map((s) => {
      const e = decodeEntry(s);
      balance += e.amount;
      return { ...e, seq: seq++, balanceAfter: balance };
    });
  }
  const { pk: _pk, sk: _sk, ...rest } = item;
  return [rest as unknown as LedgerEntry];
}

/**
 * Test hooks: a hook that throws simulates the process dying at that point, so what it throws leaves
 * the store as it is (ledger upkeep errors, by contrast, are absorbed; see `upkeep`).
 */
export interface StoreFaults {
  beforeFlush?: () => void;
  /** After the ledger items are written, before the outbox is trimmed. */
  beforeTrim?: () => void;
  /** During a migration from the map outbox: after its ledger items are written, before the maps are removed (awaited; lets a test race a writer in). */
  beforeMigrate?: () => void | Promise<void>;
}

/** What a fault hook threw: a simulated death, never absorbed as an upkeep failure. */
class SimulatedDeath extends Error {}
function crashPoint(hook: (() => void) | undefined): void {
  try {
    hook?.();
  } catch (err) {
    throw new SimulatedDeath(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Attributes of the balance item that only some functions use (the auto top-up state): the composition
 * of those functions hands the store their codec, so no other bundle carries it. Writes of a store
 * without it leave those attributes as they are.
 */
export interface BalanceAttributes {
  /** These attributes write bulk jobs' holds (`holdJob`, `jobRefunded`): a store without them refuses such a change. */
  jobHolds?: true;
  read(item: Item): Partial<AccountState>;
  /** Adds what `change` asks of these attributes to the write: updates, and conditions with their placeholders. */
  write(change: Change, w: { sets: string[]; removes: string[]; conds: string[]; names: Record<string, string>; values: Record<string, unknown> }): void;
}

/** How often a ledger-appending write retries after migrating an item in the map format (another writer may keep adding to the maps). */
const MIGRATION_ATTEMPTS = 5;

export class DynamoCreditStore implements CreditStore {
  /**
   * @param lane a client of its own for ledger maintenance (block items, trims): a burst of charges on one
   *   account queues at the main client's sockets, and a trim queued behind that burst lets the outbox, and
   *   with it every write and answer of the burst, grow with the burst. Defaults to `doc`.
   */
  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly table: string,
    readonly faults: StoreFaults = {},
    private readonly lane: DynamoDBDocumentClient = doc,
    private readonly attributes: readonly BalanceAttributes[] = [],
  ) {}

  protected toState(item: Item): AccountState {
    const account = toAccount(item);
    for (const a of this.attributes) Object.assign(account, a.read(item));
    return account;
  }

  async getAccount(accountId: string): Promise<AccountState | null> {
    const item = await this.getItem(accountId);
    return item ? this.toState(item) : null;
  }

  async createAccount(initial: NewAccount, grant: NewLedgerEntry): Promise<AccountState> {
    const item: Item = {
      pk: accountPk(initial.accountId),
      sk: BALANCE,
      ...initial,
      allowanceEpoch: 0,
      dueShard: dueShardOf(initial.accountId),
      seq: 1,
      ob: [encodeEntry(grant)],
    };
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return this.toState(item);
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // Another first request (or the account.created event) won the race: theirs is the account.
      const existing = await this.getAccount(initial.accountId);
      if (!existing) throw err;
      return existing;
    }
  }

  /** Removes a charge's hold (the generation is stored); false if it was gone. Asks for nothing back. */
  async release(accountId: string, generationId: string): Promise<boolean> {
    return (await this.apply(accountId, { entries: [], guard: { holdExists: generationId }, releaseHold: generationId }, undefined, 'none')).ok;
  }

  /** `answer: 'none'` (internal, for `release`): the write returns nothing, and an `ok` result carries no account. */
  async apply(accountId: string, change: Change, base?: AccountState, answer: 'state' | 'none' = 'state', migrations = 0): Promise<ChangeResult> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const conds = ['attribute_exists(pk)'];
    const g = change.guard;
    // A rate change asks for the whole new item (it is small): the caller needs the window back. So does a job hold's change.
    if (change.rate || change.holdJob || change.jobRefunded) base = undefined;

    // With a base state the write asks only for what it changed (UPDATED_NEW): returning a whole busy
    // item on every charge costs more than the write itself. Both buckets are then always written so
    // that the fresh balance comes back.
    const both = base !== undefined && change.set?.allowanceRemaining === undefined;
    if (change.allowanceDelta || both) {
      sets.push('allowanceRemaining = allowanceRemaining + :ad');
      values[':ad'] = change.allowanceDelta ?? 0;
    }
    if (change.purchasedDelta || both) {
      sets.push('purchased = purchased + :pd');
      values[':pd'] = change.purchasedDelta ?? 0;
    }
    const sourceWork = this.sourceUpdates(change, names, values);
    sets.push(...sourceWork.sets);
    if (sourceWork.sourcedDelta !== 0 || both) {
      // The sources' total, kept exact by every write that moves one: the ledger's running balance counts back from it.
      sets.push('sourced = if_not_exists(sourced, :zero) + :sdsum');
      values[':sdsum'] = sourceWork.sourcedDelta;
      values[':zero'] = 0;
    }
    for (const [k, v] of Object.entries(change.set ?? {})) {
      if (v === undefined) continue;
      names[`#s_${k}`] = k;
      values[`:s_${k}`] = v;
      sets.push(`#s_${k} = :s_${k}`);
    }
    if (change.entries.length > 0) {
      // Appended in order with the seq bump, atomically: the list's tail is always the entry of `seq`.
      sets.push('seq = seq + :n', 'ob = list_append(if_not_exists(ob, :nolist), :ents)');
      // Only on an item no earlier-version writer can add to (see the module comment).
      conds.push('attribute_not_exists(outbox)');
      values[':n'] = change.entries.length;
      values[':nolist'] = [];
      values[':ents'] = change.entries.map(encodeEntry);
    }

    for (const c of guardConditions(g)) {
      conds.push(c.expression);
      Object.assign(names, c.names);
      Object.assign(values, c.values);
    }
    if (change.alerts) {
      sets.push('al = :al');
      values[':al'] = encodeAlerts(change.alerts);
    }
    if (change.events?.length) {
      // Recorded with the change; `eventsDueAt` (the oldest waiting event) puts the item in `events-due`.
      sets.push('eo = list_append(if_not_exists(eo, :nolist), :evs)', 'eventsDueAt = if_not_exists(eventsDueAt, :eda)');
      values[':nolist'] = [];
      values[':evs'] = change.events.map((e) => JSON.stringify(e));
      values[':eda'] = change.events[0].createdAt;
    }
    if (change.newAllowanceEpoch) {
      sets.push('allowanceEpoch = if_not_exists(allowanceEpoch, :zero) + :one');
      values[':zero'] = 0;
      values[':one'] = 1;
    }

    const removes: string[] = [...sourceWork.removes];
    if ((change.holdJob || change.jobRefunded) && !this.attributes.some((a) => a.jobHolds)) {
      throw new Error('a job hold change needs a credit store built with the job hold attributes (composition/job-holds.ts)');
    }
    for (const a of this.attributes) a.write(change, { sets, removes, conds, names, values });
    if (change.rate?.kind === 'count') (sets.push('rlCount = rlCount + :rone'), (values[':rone'] = 1));
    if (change.rate?.kind === 'open') {
      sets.push('rlStart = :rls', 'rlEnd = :rle', 'rlCount = :rone');
      Object.assign(values, { ':rls': change.rate.windowStart, ':rle': change.rate.windowEnd, ':rone': 1 });
      removes.push('rlCooldown');
    }
    if (change.rate?.kind === 'cooldown') {
      // The window ends with the cooldown, so the first attempt after it opens a fresh window.
      sets.push('rlCooldown = :rlc', 'rlEnd = :rlc');
      values[':rlc'] = change.rate.until;
    }
    if (change.hold) {
      names['#hold'] = `${HOLD}${change.hold.generationId}`;
      values[':hold'] = encodeHold(change.hold);
      sets.push('#hold = :hold');
      if (change.hold.epoch === undefined) {
        // The epoch the allowance part is taken from, read by the write itself (no read before it).
        names['#holdEpoch'] = `${HOLD_EPOCH}${change.hold.generationId}`;
        values[':zero'] = 0;
        sets.push('#holdEpoch = if_not_exists(allowanceEpoch, :zero)');
      }
    }
    if (change.releaseHold) {
      names['#release'] = `${HOLD}${change.releaseHold}`;
      names['#releaseEpoch'] = `${HOLD_EPOCH}${change.releaseHold}`;
      removes.push('#release', '#releaseEpoch');
    }

    // A plain release also removes the ledger blocks its own admission wrote (see `deferTrim`), guarded on
    // the outbox head still being the block's first entry; a trim that lost that race is dropped below.
    const trim = change.releaseHold ? await this.takeTrim(accountId, change.releaseHold) : undefined;
    const trims = trim && change.entries.length === 0 && sets.length === 0 && !change.opId;
    if (trims) {
      crashPoint(this.faults.beforeTrim);
      removes.push(...trimRemoves(trim.length));
      conds.push('ob[0] = :trimHead');
      values[':trimHead'] = headOf(trim);
    }
    let expression = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
    const adds: string[] = [];
    if (change.opId) {
      adds.push('appliedOps :opset');
      values[':opset'] = new Set([change.opId]);
    }
    if (change.noticeExpiry?.length) {
      adds.push('xn :xnset');
      values[':xnset'] = new Set(change.noticeExpiry);
    }
    if (adds.length) expression += ` ADD ${adds.join(', ')}`;
    if (change.removeSources?.length && !change.noticeExpiry?.length) {
      // A removed source's notice mark goes with it (ids are never reused): the item does not keep one
      // mark for every source the account ever had. Deleting ids not in the set (or no set) is a no-op.
      expression += ' DELETE xn :xnrm';
      values[':xnrm'] = new Set(change.removeSources);
    }
    if (!expression) return { ok: true, account: (await this.getAccount(accountId))! };

    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: accountPk(accountId), sk: BALANCE },
          UpdateExpression: expression,
          ConditionExpression: conds.join(' AND '),
          ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
          ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
          // A release answers nothing: during a burst the item carries every hold in flight, and
          // returning it whole to each release would cost more than the write.
          ReturnValues: answer === 'none' ? 'NONE' : base ? 'UPDATED_NEW' : 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: answer === 'none' ? 'NONE' : 'ALL_OLD',
        }),
      );
      if (answer === 'none') return { ok: true, account: undefined as unknown as AccountState };
      const updated = r.Attributes!;
      const account: AccountState = base
        ? {
            ...base,
            ...(change.set ?? {}),
            allowanceRemaining: updated.allowanceRemaining as number,
            purchased: updated.purchased as number,
            seq: (updated.seq as number | undefined) ?? base.seq,
            allowanceEpoch: (updated.allowanceEpoch as number | undefined) ?? base.allowanceEpoch,
            ...this.sourcesAfter(base, change, updated),
            alerts: change.alerts ?? base.alerts,
            outbox: updated.eo ? outboxOf(updated.eo) : base.outbox,
            pending: [],
            holds: change.hold
              ? [...base.holds, { ...change.hold, epoch: change.hold.epoch ?? (updated[`${HOLD_EPOCH}${change.hold.generationId}`] as number) }]
              : base.holds.filter((h) => h.generationId !== change.releaseHold),
          }
        : this.toState(updated);
      const n = change.entries.length;
      if (n > 0) {
        const length = ((updated.ob ?? []) as string[]).length;
        const every = LIMITS.ledgerFlushEvery;
        // The writer that moves the outbox across a multiple of `every` flushes, so concurrent writers
        // split the work instead of all copying the same entries; it takes every complete block at the
        // head, which also picks up a block whose flusher died before trimming it. Only that writer
        // decodes the outbox: during a burst it is long, and every writer decoding it all is quadratic.
        if (Math.floor(length / every) > Math.floor((length - n) / every)) {
          // UPDATED_NEW returns the whole `ob` list, `seq` and both buckets: enough to count back.
          const listed = base
            ? listPendingOf({ ob: updated.ob, seq: account.seq, allowanceRemaining: account.allowanceRemaining, purchased: account.purchased, sourced: account.sourced })
            : listPendingOf(updated);
          // At most 25 blocks (one BatchWriteItem); a longer backlog is taken by the next crossing.
          const head = listed.slice(0, Math.min(25, Math.floor(listed.length / every)) * every);
          // A held charge is released later by this process: in the steady state (one complete block at
          // the head) the block rides on the generation's write and is trimmed by the release.
          // In a burst (a longer backlog, other releases trimming too) a trim riding on a release would
          // often lose its guard and cost the release a second send: then flush and trim now, as any
          // other change does.
          if (change.hold && length < 2 * every) this.deferTrim(accountId, change.hold.generationId, head);
          else await this.flushCoalesced(accountId, listed);
        }
      }
      return { ok: true, account };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // The trim's guard may be the one that failed (another flusher trimmed first): release without it.
      if (trims) return this.apply(accountId, change, base, answer);
      if (answer === 'none') return { ok: false, account: null };
      // The refused write says why: it carries the item as its check saw it (no read of its own).
      const item = refusedItem(err) ?? (await this.getItem(accountId));
      if (item && 'outbox' in item && change.entries.length > 0 && migrations < MIGRATION_ATTEMPTS) {
        await this.migrate(accountId, item);
        return this.apply(accountId, change, base, answer, migrations + 1);
      }
      return { ok: false, account: item ? this.toState(item) : null };
    }
  }

  /**
   * The parts of an update that move sources: deltas on `src_<id>`, a new source, removed ones, a
   * version bump and the index key `sourceDueAt`. A removed source's remainder is counted out of
   * `sourced` only (its attribute goes: a path may not be both set and removed in one update).
   */
  private sourceUpdates(change: Change, names: Record<string, string>, values: Record<string, unknown>) {
    const sets: string[] = [];
    const removes: string[] = [];
    let sourcedDelta = 0;
    const removed = new Set(change.removeSources ?? []);
    Object.entries(change.sourceDeltas ?? {}).forEach(([id, delta], i) => {
      sourcedDelta += delta;
      if (removed.has(id) || delta === 0) return;
      names[`#sd${i}`] = `${SOURCE}${id}`;
      values[`:sd${i}`] = delta;
      sets.push(`#sd${i} = #sd${i} + :sd${i}`);
    });
    if (change.addSource) {
      const s = change.addSource;
      names['#asr'] = `${SOURCE}${s.id}`;
      names['#asm'] = `${SOURCE_META}${s.id}`;
      values[':asr'] = s.remaining;
      values[':asm'] = encodeSource(s);
      sets.push('#asr = :asr', '#asm = :asm');
      sourcedDelta += s.remaining;
    }
    [...removed].forEach((id, i) => {
      names[`#rs${i}`] = `${SOURCE}${id}`;
      names[`#rm${i}`] = `${SOURCE_META}${id}`;
      removes.push(`#rs${i}`, `#rm${i}`);
    });
    if (change.addSource || removed.size || change.noticeExpiry?.length || change.touchSources) {
      sets.push('sv = if_not_exists(sv, :zero) + :one');
      values[':zero'] = 0;
      values[':one'] = 1;
    }
    if (change.sourceDueAt) {
      sets.push('sourceDueAt = :sda');
      values[':sda'] = change.sourceDueAt;
    } else if (change.sourceDueAt === null) removes.push('sourceDueAt');
    return { sets, removes, sourcedDelta };
  }

  /** The sources of `base` after a write that answered UPDATED_NEW (`updated` has every attribute it wrote). */
  private sourcesAfter(base: AccountState, change: Change, updated: Item): Pick<AccountState, 'sources' | 'sourced' | 'sourcesVersion' | 'expiryNoticed'> {
    const removed = new Set(change.removeSources ?? []);
    const sources = [...base.sources, ...(change.addSource ? [change.addSource] : [])]
      .filter((s) => !removed.has(s.id))
      .map((s) => {
        const fresh = updated[`${SOURCE}${s.id}`];
        return typeof fresh === 'number' ? { ...s, remaining: fresh } : s;
      });
    return {
      sources,
      sourced: (updated.sourced as number | undefined) ?? base.sourced,
      sourcesVersion: (updated.sv as number | undefined) ?? base.sourcesVersion,
      expiryNoticed: [...new Set([...base.expiryNoticed, ...(change.noticeExpiry ?? [])])].filter((id) => !removed.has(id)),
    };
  }

  /** The balance item as stored (one consistent read). */
  private async getItem(accountId: string): Promise<Item | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: BALANCE }, ConsistentRead: true }));
    return r.Item;
  }

  /**
   * Moves an item off the map outbox: copies its map entries to their single-entry ledger items, then
   * removes the maps, guarded on `seq` being the one read (an earlier-version writer that added an entry
   * in between bumped it; the caller then reads and migrates again). Safe to repeat or race: a ledger
   * item's content is fixed by its entry.
   */
  private async migrate(accountId: string, item: Item): Promise<void> {
    await this.batchPut(legacyPendingOf(item).map((e) => ledgerItem(accountId, e)));
    await this.faults.beforeMigrate?.();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: accountPk(accountId), sk: BALANCE },
          UpdateExpression: 'REMOVE outbox, oseq, obb',
          ConditionExpression: 'seq = :seq',
          ExpressionAttributeValues: { ':seq': item.seq },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  /**
   * Ledger upkeep after a change has landed (copying blocks, trimming the outbox). The change is
   * durable with its entries in the outbox, so a failure here loses nothing: the entries stay where
   * every reader finds them, and the next writer that crosses a block boundary copies the backlog. It
   * is logged and the change answers as landed, instead of a 5xx for a charge that was made.
   */
  private async upkeep(accountId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (err instanceof SimulatedDeath) throw err;
      log.warn('ledger upkeep failed after the change landed; the entries stay in the outbox', {
        accountId,
        error: err instanceof Error ? err.name : 'unknown',
      });
    }
  }

  /**
   * Ledger blocks a held charge's admission completed, by account and generation, not yet written: in the
   * steady state they ride on the generation's own write (`companionWrites`), and the write that releases
   * the hold removes them from the outbox, so a block costs no request of its own. Per process (the
   * generation and the release come from the process that charged); bounded. A block nobody writes (the
   * generation failed and was refunded, the process died) stays in the outbox, and the next writer that
   * crosses a block boundary finds the backlog and flushes every complete head block itself.
   */
  private readonly pendingTrims = new Map<string, { entries: LedgerEntry[]; written?: Promise<boolean> }>();

  private deferTrim(accountId: string, generationId: string, entries: LedgerEntry[]): void {
    this.pendingTrims.set(`${accountId}|${generationId}`, { entries });
    if (this.pendingTrims.size > 256) this.pendingTrims.delete(this.pendingTrims.keys().next().value!);
  }

  companionWrites(accountId: string, generationId: string): CompanionWrite | undefined {
    const pending = this.pendingTrims.get(`${accountId}|${generationId}`);
    if (!pending || pending.written) return undefined;
    let done!: (written: boolean) => void;
    pending.written = new Promise<boolean>((resolve) => (done = resolve));
    return { items: this.blockItems(accountId, pending.entries), done };
  }

  /** The blocks to trim with this release: only those whose block items are durable. */
  private async takeTrim(accountId: string, generationId: string): Promise<LedgerEntry[] | undefined> {
    const key = `${accountId}|${generationId}`;
    const pending = this.pendingTrims.get(key);
    if (!pending) return undefined;
    this.pendingTrims.delete(key);
    return pending.written && (await pending.written) ? pending.entries : undefined;
  }

  /**
   * Flushes in flight, by account, in this process, with the newest outbox a writer that crossed a
   * block boundary meanwhile saw. During a burst on one account every few writes cross a boundary; each
   * flushing its own block would add a block write and a trim per 6 charges, most of them racing each
   * other. Instead a crossing writer that finds a flush in flight hands it what it saw and answers at
   * once, and the flusher, when done, copies and trims whatever complete blocks have piled up since, in
   * one BatchWriteItem and one trim. Nothing waits on the hand-over for safety: the entries are in the
   * outbox until trimmed, and should this process die, the next crossing writer anywhere takes the backlog.
   */
  private readonly flushing = new Map<string, { latest?: LedgerEntry[] }>();

  private async flushCoalesced(accountId: string, listed: LedgerEntry[]): Promise<void> {
    const inFlight = this.flushing.get(accountId);
    if (inFlight) {
      inFlight.latest = listed;
      return;
    }
    const slot: { latest?: LedgerEntry[] } = {};
    this.flushing.set(accountId, slot);
    const every = LIMITS.ledgerFlushEvery;
    try {
      let copied = 0; // the last seq this flusher copied and trimmed
      for (let next: LedgerEntry[] | undefined = listed; next; next = slot.latest, slot.latest = undefined) {
        const fresh = next.filter((e) => e.seq > copied);
        // At most 25 blocks (one BatchWriteItem); a longer backlog is taken by the next round or crossing.
        const head = fresh.slice(0, Math.min(25, Math.floor(fresh.length / every)) * every);
        if (head.length === 0) continue;
        await this.upkeep(accountId, () => this.flushBlocks(accountId, head));
        copied = head[head.length - 1].seq;
      }
    } finally {
      this.flushing.delete(accountId);
    }
  }

  /**
   * Copies complete blocks from the head of the list outbox to block items, then removes them from the
   * head, guarded on the head still being the first entry copied (a concurrent flusher may have trimmed
   * it: then there is nothing left to do). Safe to repeat or race.
   */
  async flushBlocks(accountId: string, entries: LedgerEntry[]): Promise<void> {
    await this.putBlocks(accountId, entries);
    crashPoint(this.faults.beforeTrim);
    try {
      await this.lane.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: accountPk(accountId), sk: BALANCE },
          UpdateExpression: `REMOVE ${trimRemoves(entries.length).join(', ')}`,
          ConditionExpression: 'ob[0] = :head',
          ExpressionAttributeValues: { ':head': headOf(entries) },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  /**
   * Block items this process wrote or is writing, by account and key. A block's content is fixed by its
   * first seq (the outbox only grows at its tail), so a writer that finds the head backlog already copied
   * (a burst on one account, trims still queued) waits for those writes instead of repeating them.
   */
  private readonly blocksWritten = new Map<string, Promise<void>>();

  /** The block items of complete blocks (`entries` is a whole number of them, from the head). */
  private blockItems(accountId: string, entries: LedgerEntry[]): Item[] {
    const every = LIMITS.ledgerFlushEvery;
    const blocks: Item[] = [];
    for (let i = 0; i < entries.length; i += every) {
      const block = entries.slice(i, i + every);
      blocks.push({ pk: accountPk(accountId), sk: seqKey(block[0].seq), lb: block[0].balanceAfter - block[0].amount, le: block.map(stripToNew).map(encodeEntry) });
    }
    return blocks;
  }

  /** Copies complete blocks (`entries` is a whole number of them, from the head) to block items. */
  private async putBlocks(accountId: string, entries: LedgerEntry[]): Promise<void> {
    crashPoint(this.faults.beforeFlush);
    const waits: Promise<void>[] = [];
    const fresh: Item[] = [];
    for (const b of this.blockItems(accountId, entries)) {
      const known = this.blocksWritten.get(`${accountId}|${b.sk as string}`);
      if (known) waits.push(known);
      else fresh.push(b);
    }
    if (fresh.length > 0) {
      const write = fresh.length === 1 ? this.lane.send(new PutCommand({ TableName: this.table, Item: fresh[0] })).then(() => undefined) : this.batchPut(fresh);
      for (const b of fresh) {
        const key = `${accountId}|${b.sk as string}`;
        this.blocksWritten.set(key, write);
        // A failed write is forgotten, so the next flusher writes the block again.
        write.catch(() => this.blocksWritten.delete(key));
      }
      while (this.blocksWritten.size > 1024) this.blocksWritten.delete(this.blocksWritten.keys().next().value!);
      waits.push(write);
    }
    await Promise.all(waits);
  }

  private batchPut(items: Item[]): Promise<void> {
    return batchPut(this.lane, this.table, items, 'ledger flush');
  }

  async ledgerPage(accountId: string, limit: number, cursor?: string): Promise<LedgerPage> {
    const account = await this.getAccount(accountId);
    if (!account) return { items: [], nextCursor: null };
    const before = cursor ? decodeCursor(cursor, LedgerCursor).before : account.seq + 1;
    // An issued cursor points at or below the newest entry (sequence numbers only grow).
    if (cursor && before > account.seq) throw new ValidationFailed([{ path: 'query.cursor', message: 'not a cursor this API returned' }]);
    // Every entry is in the outbox, in a ledger item, or (between flush and trim) in both: merge by seq.
    const bySeq = new Map<number, LedgerEntry>();
    for (const e of account.pending) if (e.seq < before) bySeq.set(e.seq, stripWritten(e));
    if (before > 1) {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': accountPk(accountId), ':lo': seqKey(1), ':hi': seqKey(before - 1) },
          ScanIndexForward: false,
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      for (const i of r.Items ?? []) {
        for (const e of fromLedgerItem(i)) if (e.seq < before && !bySeq.has(e.seq)) bySeq.set(e.seq, e);
      }
    }
    const items = [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === limit && last && last.seq > 1 ? encodeCursor({ before: last.seq }) : null };
  }
}
