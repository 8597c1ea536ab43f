import { createUpload } from '../core/uploads.ts';
import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { uploads } from '../composition/uploads.ts';
import { capStore } from '../composition/cap-store.ts';
import route from '../routes/uploads-create.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('uploads-create', [creditStore, uploads, capStore]);

export const handler = httpHandler(route, composition, async ({ caller, body }, deps) => await createUpload(deps, caller.accountId, body));
