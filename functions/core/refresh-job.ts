/**
 * The monthly refresh job: finds due accounts through the sharded `refresh-due` index (never a table
 * scan) and refreshes each with `refreshAccount`, whose guarded write makes it idempotent against the
 * lazy refresh of a concurrent request and against a second run. Refreshed accounts leave the index's
 * due range, so a run cut short (deadline, crash) is resumed by the next one from wherever it stopped.
 */
import { LIMITS } from '../config.ts';
import { refreshAccount, settleSources, type CreditsDeps } from './credits.ts';
import { afterChange, relayOutbox, RELAY_GRACE_SECONDS, type RelayDeps } from './outbox.ts';
import type { AccountState, DueCreditStore } from './ports.ts';

export interface RefreshJobOptions {
  /** Accounts asked of the index per query. */
  pageSize?: number;
  /** Accounts refreshed at once within one shard (all shards run at once). */
  concurrencyPerShard?: number;
  /** Epoch ms (real time) after which no new page is started; the next run carries on. */
  deadline?: number;
  /** Told of every account (or index shard) that failed, so each failure can be logged with its error. */
  onFailure?: (where: { accountId: string } | { shard: number }, err: unknown) => void;
}

export interface RefreshJobResult {
  refreshed: number;
  /** Due accounts found that someone else refreshed first (a request's lazy refresh, a concurrent run). */
  alreadyFresh: number;
  failed: number;
  /** Accounts whose grants or expiring top-ups were visited for an expiry or a `credits_expiring` notice. */
  sourcesSettled: number;
  /** Events handed to the outbound queue from outboxes a writer left behind (0 without the `outbound` port). */
  eventsRelayed: number;
  errors: string[];
  /** False when the deadline stopped the run before every shard was exhausted. */
  complete: boolean;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function refreshDueAccounts(deps: CreditsDeps & RelayDeps, opts: RefreshJobOptions = {}): Promise<RefreshJobResult> {
  // The due indexes are the job's own store's (composition/credit-store.ts creditStoreWithDueIndex).
  const store = deps.store as DueCreditStore;
  if (typeof store.dueAccounts !== 'function') throw new Error('the refresh job needs the credit store with the due indexes (creditStoreWithDueIndex)');
  const pageSize = opts.pageSize ?? 100;
  // 16 shards × 3 = 48 writes in flight: under the SDK's default 50 sockets, so none queue behind each other.
  const concurrency = opts.concurrencyPerShard ?? 3;
  const deadline = opts.deadline ?? Infinity;
  // One instant for the whole run: accounts falling due meanwhile are the next run's.
  const now = deps.clock.now().toISOString();
  const result: RefreshJobResult = { refreshed: 0, alreadyFresh: 0, failed: 0, sourcesSettled: 0, eventsRelayed: 0, errors: [], complete: true };
  const failed = (account: AccountState, err: unknown) => {
    // One account's failure must not stop the others; the next run retries it (it is still due).
    result.failed++;
    opts.onFailure?.({ accountId: account.accountId }, err);
    if (result.errors.length < 10) result.errors.push(`${account.accountId}: ${String((err as Error)?.message ?? err)}`);
  };

  const refreshOne = async (account: AccountState) => {
    try {
      const r = await refreshAccount(deps, account);
      if (r.refreshed) result.refreshed++;
      else result.alreadyFresh++;
      // Its credits.refreshed (and a dip it ended) go out now; left in the outbox if that fails.
      if (r.refreshed) await afterChange(deps, r.account);
    } catch (err) {
      failed(account, err);
    }
  };
  // Expiries and expiry notices: settled accounts leave the `source-due` range the same way.
  const settleOne = async (account: AccountState) => {
    try {
      // An expiry can start a dip (low_balance, credits_depleted); its credits.expired go out with them.
      await afterChange(deps, await settleSources(deps, account));
      result.sourcesSettled++;
    } catch (err) {
      failed(account, err);
    }
  };
  // Outboxes a writer left behind (it died before relaying, or its function has no `outbound` port).
  const relayOne = async (account: AccountState) => {
    try {
      result.eventsRelayed += await relayOutbox(deps, account);
    } catch (err) {
      failed(account, err);
    }
  };
  const waiting = new Date(Date.parse(now) - RELAY_GRACE_SECONDS * 1000).toISOString();
  const outboxDue: typeof store.dueAccounts = (_now, shard, cursor, limit) => deps.outbox!.dueAccounts(waiting, shard, cursor, limit);

  const runShard = async (shard: number, due: typeof store.dueAccounts, work: (a: AccountState) => Promise<void>) => {
    try {
      let page = due.call(store, now, shard, undefined, pageSize);
      for (;;) {
        const { accountIds, cursor } = await page;
        // Ask for the next page while this one is refreshed: the index key of refreshed accounts moves past
        // `now`, which does not disturb a cursor that is already beyond them.
        const next = cursor && Date.now() < deadline ? due.call(store, now, shard, cursor, pageSize) : undefined;
        next?.catch(() => undefined); // awaited below; this only keeps an early rejection from going unhandled
        // One consistent batch read for the page; the refresh's guarded write re-checks each account anyway.
        if (accountIds.length) await pool(await store.getAccounts(accountIds), concurrency, work);
        if (!next) {
          if (cursor) result.complete = false;
          return;
        }
        page = next;
      }
    } catch (err) {
      // The index query failed (after the SDK's retries): this shard waits for the next run.
      result.complete = false;
      opts.onFailure?.({ shard }, err);
      if (result.errors.length < 10) result.errors.push(`shard ${shard}: ${String((err as Error)?.message ?? err)}`);
    }
  };

  const shards = Array.from({ length: LIMITS.refreshDueShards }, (_, shard) => shard);
  await Promise.all(shards.map((shard) => runShard(shard, store.dueAccounts, refreshOne)));
  await Promise.all(shards.map((shard) => runShard(shard, store.sourceDueAccounts, settleOne)));
  if (deps.outbound && deps.outbox) await Promise.all(shards.map((shard) => runShard(shard, outboxDue, relayOne)));
  return result;
}
