import { z } from 'zod';
import { NotFound } from '../core/errors.ts';
import { httpHandler, ok } from '../http/handler.ts';

export const handler = httpHandler({ params: z.object({ id: z.string().min(1).max(100) }) }, async ({ caller, params }, deps) => {
  const n = await deps.notifications.markRead(caller.accountId, params.id, deps.clock.now().toISOString());
  if (!n) throw new NotFound(`Notification ${params.id} was not found.`);
  return ok(n);
});
