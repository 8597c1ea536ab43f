import { createTopUp } from '../core/top-ups.ts';
import { TopUpRequest } from '../core/schemas.ts';
import { created, httpHandler } from '../http/handler.ts';

export const handler = httpHandler({ body: TopUpRequest, idempotent: true }, async ({ caller, body }, deps) =>
  created(await createTopUp(deps, caller.accountId, body.packId, deps.env.CHECKOUT_BASE_URL)),
);
