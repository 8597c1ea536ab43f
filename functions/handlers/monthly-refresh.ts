import type { Context } from 'aws-lambda';
import { refreshDueAccounts } from '../core/refresh-job.ts';
import { log } from '../http/log.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('monthly-refresh', [creditStore]);
const deps = composition.deps;

/**
 * Hourly (EventBridge Scheduler): refreshes every due account it reaches before its timeout. It stops
 * starting pages shortly before the deadline; the next run resumes where this one stopped.
 */
export const handler = async (_event: unknown, context?: Context): Promise<{ refreshed: number; complete: boolean; failed: number }> => {
  const remaining = context?.getRemainingTimeInMillis?.() ?? 900_000;
  const r = await refreshDueAccounts(deps, { deadline: Date.now() + remaining - Math.min(30_000, remaining / 5) });
  if (r.failed || !r.complete) log.warn('monthly refresh incomplete', { ...r });
  else log.info('monthly refresh', { refreshed: r.refreshed, alreadyFresh: r.alreadyFresh });
  return { refreshed: r.refreshed, complete: r.complete, failed: r.failed };
};
