import type { Context } from 'aws-lambda';
import { handlerMetrics } from '../adapters/powertools-telemetry.ts';
import { refreshDueAccounts } from '../core/refresh-job.ts';
import { deps } from '../http/deps.ts';
import { log } from '../http/log.ts';
import { eventHandler } from '../observability/middleware.ts';

/**
 * Hourly (EventBridge Scheduler): refreshes every due account it reaches before its timeout. It stops
 * starting pages shortly before the deadline; the next run resumes where this one stopped. Every run
 * reports RefreshAccounts, RefreshFailures and RefreshIncomplete (alarmed), and logs each failure.
 */
export const handler = eventHandler(async (_event: unknown, context?: Context): Promise<{ refreshed: number; complete: boolean; failed: number }> => {
  const remaining = context?.getRemainingTimeInMillis?.() ?? 900_000;
  const r = await refreshDueAccounts(deps(), {
    deadline: Date.now() + remaining - Math.min(30_000, remaining / 5),
    // One line per failed account or index shard, with the error's name and message (no balances).
    onFailure: (where, err) => log.error('monthly refresh failed on an account', { ...where, error: errorOf(err) }),
  });
  handlerMetrics.refreshRun(r);
  if (r.failed || !r.complete) log.warn('monthly refresh incomplete', { refreshed: r.refreshed, alreadyFresh: r.alreadyFresh, failed: r.failed, complete: r.complete });
  else log.info('monthly refresh', { refreshed: r.refreshed, alreadyFresh: r.alreadyFresh });
  return { refreshed: r.refreshed, complete: r.complete, failed: r.failed };
});

const errorOf = (err: unknown) => (err instanceof Error ? { name: err.name, message: err.message } : { message: String(err) });
