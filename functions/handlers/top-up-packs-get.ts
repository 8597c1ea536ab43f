import { listPacks } from '../core/top-ups.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import route from '../routes/top-up-packs-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('top-up-packs-get', []);

export const handler = httpHandler(route, composition, async () => listPacks());
