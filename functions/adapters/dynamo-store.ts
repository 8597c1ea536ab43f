/**
 * The credit store on DynamoDB (and dynalite, which has no transactions).
 *
 * The balance item (`ACCT#id` / `BALANCE`) is the unit of atomicity. A change is one UpdateItem that
 * moves the buckets, bumps `seq` and appends its ledger entries to an outbox on the same item
 * (`outbox.<entryId>` → entry, `oseq.<entryId>` → its sequence number, taken from the pre-update `seq`
 * inside the same expression). Entries are therefore never lost: they are written with the balance.
 * Every `LIMITS.ledgerFlushEvery` entries the writer that crosses the boundary copies the outbox to
 * ledger items (`LEDGER#<seq>`, deterministic content, so a repeated flush rewrites the same items)
 * and only then removes those entries from the outbox. Readers merge the outbox with the items below
 * the oldest pending sequence number, so the ledger they see always sums to the balance.
 */
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LIMITS } from '../config.ts';
import { ValidationFailed } from '../core/errors.ts';
import {
  availableOf,
  type AccountState,
  type Change,
  type ChangeResult,
  type CreditStore,
  type LedgerEntry,
  type LedgerPage,
  type NewLedgerEntry,
  type Notification,
  type NotificationStore,
} from '../core/ports.ts';
import { isConditionFailure } from './dynamo-client.ts';

export const accountPk = (accountId: string): string => `ACCT#${accountId}`;
const BALANCE = 'BALANCE';
const LEDGER = 'LEDGER#';
const NOTIF = 'NOTIF#';
const seqKey = (seq: number): string => `${LEDGER}${String(seq).padStart(12, '0')}`;

/** Which shard of the refresh-due index an account lives in (stable hash of its id). */
export function dueShardOf(accountId: string): string {
  let h = 0;
  for (let i = 0; i < accountId.length; i++) h = (h * 31 + accountId.charCodeAt(i)) >>> 0;
  return `due#${h % LIMITS.refreshDueShards}`;
}

type Item = Record<string, unknown>;

/** Rebuilds sequence numbers and running balances of the outbox from the item. */
function pendingOf(item: Item): LedgerEntry[] {
  const outbox = (item.outbox ?? {}) as Record<string, NewLedgerEntry>;
  const oseq = (item.oseq ?? {}) as Record<string, number>;
  const entries = Object.keys(outbox)
    .filter((id) => typeof oseq[id] === 'number')
    .map((id) => ({ ...outbox[id], seq: oseq[id], balanceAfter: 0 }))
    .sort((a, b) => a.seq - b.seq);
  // The outbox is always the newest suffix of the ledger, so balances unwind from the current one.
  let balance = availableOf(item as unknown as AccountState);
  for (let i = entries.length - 1; i >= 0; i--) {
    entries[i].balanceAfter = balance;
    balance -= entries[i].amount;
  }
  return entries;
}

function toAccount(item: Item): AccountState {
  return {
    accountId: item.accountId as string,
    plan: item.plan as AccountState['plan'],
    allowance: item.allowance as number,
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
  };
}

function ledgerItem(accountId: string, e: LedgerEntry): Item {
  return { pk: accountPk(accountId), sk: seqKey(e.seq), ...e };
}

function fromLedgerItem(item: Item): LedgerEntry {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as LedgerEntry;
}

const encodeCursor = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
function decodeCursor<T>(cursor: string, check: (v: unknown) => v is T): T {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {
    /* fall through */
  }
  throw new ValidationFailed([{ path: 'cursor', message: 'not a cursor this API returned' }]);
}

/** Test hook: lets a test kill the write path between the balance write and the ledger flush. */
export interface StoreFaults {
  beforeFlush?: () => void;
}

export class DynamoCreditStore implements CreditStore, NotificationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    readonly faults: StoreFaults = {},
  ) {}

  async getAccount(accountId: string): Promise<AccountState | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: BALANCE }, ConsistentRead: true }));
    return r.Item ? toAccount(r.Item) : null;
  }

  async createAccount(initial: Omit<AccountState, 'seq' | 'pending'>, grant: NewLedgerEntry): Promise<AccountState> {
    const item: Item = {
      pk: accountPk(initial.accountId),
      sk: BALANCE,
      ...initial,
      dueShard: dueShardOf(initial.accountId),
      seq: 1,
      outbox: { [grant.id]: grant },
      oseq: { [grant.id]: 1 },
    };
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return toAccount(item);
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // Another first request (or the account.created event) won the race: theirs is the account.
      const existing = await this.getAccount(initial.accountId);
      if (!existing) throw err;
      return existing;
    }
  }

  async apply(accountId: string, change: Change): Promise<ChangeResult> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const conds = ['attribute_exists(pk)'];
    const g = change.guard;

    if (change.allowanceDelta) {
      sets.push('allowanceRemaining = allowanceRemaining + :ad');
      values[':ad'] = change.allowanceDelta;
    }
    if (change.purchasedDelta) {
      sets.push('purchased = purchased + :pd');
      values[':pd'] = change.purchasedDelta;
    }
    for (const [k, v] of Object.entries(change.set ?? {})) {
      if (v === undefined) continue;
      names[`#s_${k}`] = k;
      values[`:s_${k}`] = v;
      sets.push(`#s_${k} = :s_${k}`);
    }
    if (change.entries.length > 0) {
      sets.push('seq = seq + :n');
      values[':n'] = change.entries.length;
      change.entries.forEach((e, i) => {
        names[`#e${i}`] = e.id;
        values[`:e${i}`] = e;
        values[`:k${i}`] = i + 1;
        // `seq` on the right-hand side is the pre-update value: entry i gets seq + i + 1.
        sets.push(`outbox.#e${i} = :e${i}`, `oseq.#e${i} = seq + :k${i}`);
      });
    }

    if (g.allowanceAtLeast !== undefined) (conds.push('allowanceRemaining >= :gaal'), (values[':gaal'] = g.allowanceAtLeast));
    if (g.allowanceIs !== undefined) (conds.push('allowanceRemaining = :gai'), (values[':gai'] = g.allowanceIs));
    if (g.purchasedAtLeast !== undefined) (conds.push('purchased >= :gpal'), (values[':gpal'] = g.purchasedAtLeast));
    if (g.periodCurrentAt !== undefined) (conds.push('periodEnd > :gpca'), (values[':gpca'] = g.periodCurrentAt));
    if (g.periodEndIs !== undefined) (conds.push('periodEnd = :gpei'), (values[':gpei'] = g.periodEndIs));
    if (g.planEventBefore !== undefined) {
      conds.push('(attribute_not_exists(lastPlanEventAt) OR lastPlanEventAt < :gpeb)');
      values[':gpeb'] = g.planEventBefore;
    }
    if (g.opNotApplied !== undefined) {
      conds.push('(attribute_not_exists(appliedOps) OR NOT contains(appliedOps, :gop))');
      values[':gop'] = g.opNotApplied;
    }
    if (g.lowBalanceNotNotifiedFor !== undefined) {
      conds.push('(attribute_not_exists(lowBalanceNotifiedFor) OR lowBalanceNotifiedFor <> :glb)');
      values[':glb'] = g.lowBalanceNotNotifiedFor;
    }

    let expression = sets.length ? `SET ${sets.join(', ')}` : '';
    if (change.opId) {
      expression += ' ADD appliedOps :opset';
      values[':opset'] = new Set([change.opId]);
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
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      const account = toAccount(r.Attributes!);
      const n = change.entries.length;
      const crossed = Math.floor(account.seq / LIMITS.ledgerFlushEvery) > Math.floor((account.seq - n) / LIMITS.ledgerFlushEvery);
      // A writer that died before flushing is caught up by the next boundary (or by an oversized outbox).
      if (n > 0 && (crossed || account.pending.length > 4 * LIMITS.ledgerFlushEvery)) await this.flush(accountId, account.pending);
      return { ok: true, account };
    } catch (err) {
      // dynalite ignores ReturnValuesOnConditionCheckFailure, so read the item to learn why.
      if (!isConditionFailure(err)) throw err;
      return { ok: false, account: await this.getAccount(accountId) };
    }
  }

  /** Copies pending entries to ledger items, then drops them from the outbox. Safe to repeat or race. */
  async flush(accountId: string, pending: LedgerEntry[]): Promise<void> {
    this.faults.beforeFlush?.();
    const batch = pending.slice(0, 64);
    for (let i = 0; i < batch.length; i += 25) {
      let requests = batch.slice(i, i + 25).map((e) => ({ PutRequest: { Item: ledgerItem(accountId, e) } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error('ledger flush: unprocessed items after retries');
        const r = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = (r.UnprocessedItems?.[this.table] ?? []) as typeof requests;
        if (requests.length) await new Promise((res) => setTimeout(res, 20 * 2 ** attempt));
      }
    }
    const names: Record<string, string> = {};
    const removes = batch.map((e, i) => {
      names[`#r${i}`] = e.id;
      return `outbox.#r${i}, oseq.#r${i}`;
    });
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: accountPk(accountId), sk: BALANCE },
        UpdateExpression: `REMOVE ${removes.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
      }),
    );
  }

  async ledgerPage(accountId: string, limit: number, cursor?: string): Promise<LedgerPage> {
    const account = await this.getAccount(accountId);
    if (!account) return { items: [], nextCursor: null };
    const before = cursor
      ? decodeCursor(cursor, (v): v is { before: number } => typeof (v as { before?: unknown })?.before === 'number').before
      : account.seq + 1;
    // Items at or below the boundary are durable ledger items; above it, only the outbox is authoritative.
    const boundary = account.pending.length ? account.pending[0].seq - 1 : account.seq;
    const items = account.pending.filter((e) => e.seq < before).reverse().slice(0, limit);
    const upper = Math.min(before - 1, boundary);
    if (items.length < limit && upper >= 1) {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': accountPk(accountId), ':lo': seqKey(1), ':hi': seqKey(upper) },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ConsistentRead: true,
        }),
      );
      items.push(...(r.Items ?? []).map(fromLedgerItem));
    }
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === limit && last && last.seq > 1 ? encodeCursor({ before: last.seq }) : null };
  }

  async dueAccounts(now: string, shard: number, cursor?: string, limit = 100): Promise<{ accountIds: string[]; cursor?: string }> {
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'refresh-due',
        KeyConditionExpression: 'dueShard = :s AND periodEnd <= :now',
        ExpressionAttributeValues: { ':s': `due#${shard}`, ':now': now },
        Limit: limit,
        ExclusiveStartKey: cursor ? decodeCursor(cursor, (v): v is Item => typeof v === 'object' && v !== null) : undefined,
      }),
    );
    return {
      accountIds: (r.Items ?? []).map((i) => String(i.pk).slice('ACCT#'.length)),
      cursor: r.LastEvaluatedKey ? encodeCursor(r.LastEvaluatedKey) : undefined,
    };
  }

  // Notifications live in the account's item collection, keyed by time-ordered id.

  async add(accountId: string, n: Omit<Notification, 'readAt'>): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: accountPk(accountId), sk: `${NOTIF}${n.id}`, ...n },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async list(accountId: string, limit: number, cursor?: string): Promise<{ items: Notification[]; nextCursor: string | null }> {
    const after = cursor ? decodeCursor(cursor, (v): v is { id: string } => typeof (v as { id?: unknown })?.id === 'string').id : undefined;
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: after ? 'pk = :pk AND sk BETWEEN :lo AND :hi' : 'pk = :pk AND begins_with(sk, :lo)',
        ExpressionAttributeValues: after
          ? { ':pk': accountPk(accountId), ':lo': NOTIF, ':hi': `${NOTIF}${after}` }
          : { ':pk': accountPk(accountId), ':lo': NOTIF },
        ScanIndexForward: false,
        Limit: limit + 1,
      }),
    );
    const items = (r.Items ?? [])
      .filter((i) => i.id !== after)
      .slice(0, limit)
      .map(({ pk: _p, sk: _s, ...rest }) => ({ ...rest, readAt: rest.readAt ?? null }) as Notification);
    const more = (r.Items ?? []).filter((i) => i.id !== after).length > limit;
    return { items, nextCursor: more ? encodeCursor({ id: items[items.length - 1].id }) : null };
  }

  async markRead(accountId: string, id: string, at: string): Promise<Notification | null> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: accountPk(accountId), sk: `${NOTIF}${id}` },
          UpdateExpression: 'SET readAt = if_not_exists(readAt, :at)', // the first read mark wins
          ConditionExpression: 'attribute_exists(sk)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const { pk: _p, sk: _s, ...rest } = r.Attributes!;
      return rest as Notification;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  }
}
