import { listJobs } from '../core/generation-jobs.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { jobStore } from '../composition/job-store.ts';
import route from '../routes/generation-jobs-list.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('generation-jobs-list', [jobStore]);

export const handler = httpHandler(route, composition, async ({ caller, query }, deps) => await listJobs(deps, caller.accountId, query.limit, query.cursor));
