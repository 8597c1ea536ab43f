/**
 * `POST /v1/uploads`: a presigned PUT for one product photo under the account's own prefix. The
 * photo is only ever used by `image_enhancement`, a paid feature, so the free plan is refused here
 * already (403 upgrade) rather than after the merchant has uploaded a photo it cannot enhance.
 * Nothing is charged or counted: an upload is not a generation attempt.
 */
import { FEATURES } from '../config.ts';
import { ensureAccount, type CreditsDeps } from './credits.ts';
import { PlanUpgradeRequired, ValidationFailed } from './errors.ts';
import { newId } from './ids.ts';
import { isSafeKeySegment, type UploadContentType, type UploadStore } from './images.ts';

export interface UploadDeps extends CreditsDeps {
  uploads: UploadStore;
}

export interface NewUpload {
  uploadId: string;
  uploadUrl: string;
  expiresAt: string;
}

export async function createUpload(deps: UploadDeps, accountId: string, req: { contentType: UploadContentType; bytes: number }): Promise<NewUpload> {
  const account = await ensureAccount(deps, accountId);
  if (!(FEATURES.image_enhancement.plans as readonly string[]).includes(account.plan)) {
    throw new PlanUpgradeRequired('Photo uploads are for image enhancement, available on paid plans. Upgrade to use it.');
  }
  // The account id becomes an S3 key segment; one that cannot be (a token's odd claim) is refused, not a 500.
  if (!isSafeKeySegment(accountId)) throw new ValidationFailed([{ path: 'account_id', message: 'This account id cannot own uploads.' }]);
  const uploadId = newId('upl', deps.clock.now());
  const { uploadUrl, expiresAt } = await deps.uploads.createUpload({ accountId, uploadId, contentType: req.contentType, bytes: req.bytes });
  return { uploadId, uploadUrl, expiresAt };
}
