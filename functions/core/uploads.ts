/**
 * `POST /v1/uploads`: a presigned PUT for one product photo under the account's own prefix. The
 * photo is only ever used by `image_enhancement`, a paid feature, so the free plan is refused here
 * already (403 upgrade) rather than after the merchant has uploaded a photo it cannot enhance.
 * Nothing is charged and no generation attempt is counted, but uploads are capped per account
 * (`LIMITS.maxUploadsPerWindow` in any rolling `uploadWindowSeconds`): each slot of the `uploads` cap
 * is one upload, counted until its window has passed.
 */
import { FEATURES, LIMITS } from '../config.ts';
import { takeSlot, type CapStore } from './caps.ts';
import { ensureAccount, type CreditsDeps } from './credits.ts';
import { PlanUpgradeRequired, ValidationFailed } from './errors.ts';
import { newId } from './ids.ts';
import { isSafeKeySegment, type UploadContentType, type UploadStore } from './images.ts';

export interface UploadDeps extends CreditsDeps {
  uploads: UploadStore;
  caps: CapStore;
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
  const now = deps.clock.now();
  const uploadId = newId('upl', now);
  const windowMs = LIMITS.uploadWindowSeconds * 1000;
  await takeSlot(
    deps.caps,
    accountId,
    {
      cap: 'uploads',
      max: LIMITS.maxUploadsPerWindow,
      message: `You can upload at most ${LIMITS.maxUploadsPerWindow} photos in ${LIMITS.uploadWindowSeconds / 3600} hours. Please try again later.`,
      // An upload counts for the window after it was created (service clock), then leaves the count.
      stillCounts: (slot) => now.getTime() - Date.parse(slot.at) < windowMs,
    },
    { key: uploadId, ref: uploadId, at: now.toISOString() },
  );
  try {
    const { uploadUrl, expiresAt } = await deps.uploads.createUpload({ accountId, uploadId, contentType: req.contentType, bytes: req.bytes });
    return { uploadId, uploadUrl, expiresAt };
  } catch (err) {
    await deps.caps.give(accountId, 'uploads', uploadId, uploadId);
    throw err;
  }
}
