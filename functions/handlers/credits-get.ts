import { getCredits } from '../core/credits-view.ts';
import { httpHandler, ok } from '../http/handler.ts';

export const handler = httpHandler({}, async ({ caller }, deps) => ok(await getCredits(deps, caller.accountId)));
