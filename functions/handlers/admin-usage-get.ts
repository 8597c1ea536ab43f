import { operatorUsage } from '../core/operator-usage.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { usageStore } from '../composition/usage-store.ts';
import route from '../routes/admin-usage-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('admin-usage-get', [usageStore]);

export const handler = httpHandler(route, composition, async ({ query }, deps) => await operatorUsage(deps, query));
