import { UploadRequest } from '../core/schemas.ts';
import { createUpload } from '../core/uploads.ts';
import { created, httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { creditStore } from '../composition/credit-store.ts';
import { uploads } from '../composition/uploads.ts';
import { capStore } from '../composition/cap-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('uploads-create', [creditStore, uploads, capStore]);
const deps = composition.deps;

export const handler = httpHandler({ deps, body: UploadRequest }, async ({ caller, body }, deps) => created(await createUpload(deps, caller.accountId, body)));
