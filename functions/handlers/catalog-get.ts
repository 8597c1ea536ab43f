import { catalogView } from '../core/catalog.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import route from '../routes/catalog-get.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('catalog-get', []);

export const handler = httpHandler(route, composition, async () => catalogView());
