import { listPacks } from '../core/top-ups.ts';
import { httpHandler, ok } from '../http/handler.ts';

export const handler = httpHandler({}, async () => ok(listPacks()));
