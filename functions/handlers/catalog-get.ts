import { catalogView } from '../core/catalog.ts';
import { httpHandler, ok } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('catalog-get', []);
const deps = composition.deps;

export const handler = httpHandler({ deps }, async () => ok(catalogView()));
