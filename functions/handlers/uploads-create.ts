import { UploadRequest } from '../core/schemas.ts';
import { createUpload } from '../core/uploads.ts';
import { created, httpHandler } from '../http/handler.ts';

export const handler = httpHandler({ body: UploadRequest }, async ({ caller, body }, deps) => created(await createUpload(deps, caller.accountId, body)));
