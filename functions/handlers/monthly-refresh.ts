import type { Context } from 'aws-lambda';
import { handlerMetrics } from '../adapters/powertools-telemetry.ts';
import { refreshDueAccounts } from '../core/refresh-job.ts';
import { rollUpUsage } from '../core/operator-usage.ts';
import { log } from '../observability/log.ts';
import { compose } from '../composition/compose.ts';
import { outbound } from '../composition/outbound.ts';
import { events } from '../composition/events.ts';
import { creditStoreWithDueIndex } from '../composition/due-index.ts';
import { usageStore } from '../composition/usage-store.ts';
import { eventHandler } from '../observability/middleware.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('monthly-refresh', [creditStoreWithDueIndex, usageStore, outbound, events]);
const deps = composition.deps;

/**
 * Hourly (EventBridge Scheduler): refreshes every due account it reaches before its timeout. It stops
 * starting pages shortly before the deadline; the next run resumes where this one stopped. Every run
 * reports RefreshAccounts, RefreshFailures and RefreshIncomplete (alarmed), and logs each failure.
 *
 * A run that left work behind (an account that failed, a shard it could not finish) throws: Lambda then
 * retries the invocation within minutes instead of waiting for the next hour, and a run still failing
 * after its retries lands in the function's on-failure queue, whose alarm tells someone. Retrying is
 * safe: every refresh is one guarded write, so an account already refreshed is only counted again.
 */
export const handler = eventHandler(async (_event: unknown, context?: Context): Promise<{ refreshed: number; complete: boolean; failed: number }> => {
  const remaining = context?.getRemainingTimeInMillis?.() ?? 900_000;
  const r = await refreshDueAccounts(deps, {
    deadline: Date.now() + remaining - Math.min(30_000, remaining / 5),
    // One line per failed account or index shard, with the error's name and message (no balances).
    onFailure: (where, err) => log.error('monthly refresh failed on an account', { ...where, error: errorOf(err) }),
  });
  handlerMetrics.refreshRun(r);
  // Operator usage: yesterday and the day before rolled up from the generations index (recomputed each run).
  await rollUpUsage(deps);
  const summary = { refreshed: r.refreshed, complete: r.complete, failed: r.failed };
  if (r.failed || !r.complete) {
    log.warn('monthly refresh incomplete', { refreshed: r.refreshed, alreadyFresh: r.alreadyFresh, failed: r.failed, complete: r.complete });
    throw new RefreshIncomplete(summary, r.errors);
  }
  log.info('monthly refresh', { refreshed: r.refreshed, alreadyFresh: r.alreadyFresh });
  return summary;
});

/** What Lambda records as the invocation's error (and the on-failure queue keeps): the counts and the first errors. */
export class RefreshIncomplete extends Error {
  constructor(
    readonly summary: { refreshed: number; complete: boolean; failed: number },
    readonly errors: string[],
  ) {
    super(
      `monthly refresh left work for a retry: ${summary.refreshed} refreshed, ${summary.failed} failed, ${summary.complete ? 'all shards read' : 'some shards unfinished'}` +
        (errors.length ? `; first errors: ${errors.slice(0, 3).join(' | ')}` : ''),
    );
    this.name = 'RefreshIncomplete';
  }
}

const errorOf = (err: unknown) => (err instanceof Error ? { name: err.name, message: err.message } : { message: String(err) });
