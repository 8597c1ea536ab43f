/**
 * Bulk jobs' holds on the balance item (`ACCT#<id>` / `BALANCE`): what a running job was charged from each
 * bucket and how many of its credits were refunded so far. Only the job functions (create, worker, cancel)
 * build their credit store with these attributes (`composition/job-holds.ts`): every other function's
 * bundle leaves the codec out, and its writes leave the attributes as they are.
 *
 * | attribute | meaning |
 * |---|---|
 * | `jh_<jobId>` | JSON `[allowance, purchased, epoch, credits, sources?]` |
 * | `jr_<jobId>` | credits refunded from it so far |
 */
import type { JobHold } from '../core/ports.ts';
import { JOB_HOLD, JOB_REFUNDED } from './balance-guards.ts';
import { jsonAttributes, type BalanceAttributes } from './dynamo-store.ts';

type EncodedJobHold = [number, number, number, number, Array<[string, number]>?];

function encodeJobHold(h: Omit<JobHold, 'refunded'>): string {
  const fields: EncodedJobHold = [h.allowance, h.purchased, h.epoch, h.credits];
  if (h.sources?.length) fields.push(h.sources.map((x): [string, number] => [x.id, x.amount]));
  return JSON.stringify(fields);
}

export const jobHoldAttributes: BalanceAttributes = {
  jobHolds: true,
  read: (item) => ({
    jobHolds: jsonAttributes<EncodedJobHold>(item, JOB_HOLD).map(([jobId, [allowance, purchased, epoch, credits, sources]]) => ({
      jobId,
      allowance,
      purchased,
      epoch,
      credits,
      ...(sources?.length ? { sources: sources.map(([id, amount]) => ({ id, amount })) } : {}),
      refunded: (item[`${JOB_REFUNDED}${jobId}`] as number | undefined) ?? 0,
    })),
  }),
  write(change, { sets, removes, names, values }) {
    if (change.holdJob) {
      names['#jh'] = `${JOB_HOLD}${change.holdJob.jobId}`;
      names['#jr'] = `${JOB_REFUNDED}${change.holdJob.jobId}`;
      values[':jh'] = encodeJobHold(change.holdJob);
      values[':jr0'] = 0;
      sets.push('#jh = :jh', '#jr = :jr0');
    }
    if (change.jobRefunded) {
      names['#jrn'] = `${JOB_REFUNDED}${change.jobRefunded.jobId}`;
      if (change.jobRefunded.end) (removes.push('#jrh', '#jrn'), (names['#jrh'] = `${JOB_HOLD}${change.jobRefunded.jobId}`));
      else (sets.push('#jrn = :jrn'), (values[':jrn'] = change.jobRefunded.to));
    }
  },
};
