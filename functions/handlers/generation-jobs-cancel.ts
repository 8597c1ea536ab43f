import { cancelJob } from '../core/generation-jobs.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { outbound } from '../composition/outbound.ts';
import { creditStoreWithJobHolds } from '../composition/job-holds.ts';
import { jobStore } from '../composition/job-store.ts';
import route from '../routes/generation-jobs-cancel.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('generation-jobs-cancel', [creditStoreWithJobHolds, jobStore, outbound]);

export const handler = httpHandler(route, composition, async ({ caller, params }, deps) => await cancelJob(deps, caller.accountId, params.id));
