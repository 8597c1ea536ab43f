import { listJobItems } from '../core/generation-jobs.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { jobStore } from '../composition/job-store.ts';
import route from '../routes/generation-jobs-items.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('generation-jobs-items', [jobStore]);

export const handler = httpHandler(route, composition, async ({ caller, params, query }, deps) => await listJobItems(deps, caller.accountId, params.id, query.limit, query.cursor));
