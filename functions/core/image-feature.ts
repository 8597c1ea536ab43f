/**
 * `image_enhancement` as a feature module: the same charge, refund, idempotency and rate limit as
 * every generation (`generations.ts`), with images in place of text.
 *
 * - prepare: the account's own upload (unknown, or another account's → 404), decoded by `checkImage`
 *   (not an image, a type other than the declared one, over 40 MP, truncated → 400), all before the
 *   attempt is counted or charged;
 * - generate: the image model inside the request's time budget, both variants written under
 *   `results/{accountId}/{generationId}/`; a failure of either is refunded by the flow (502);
 * - view: a fresh short-lived presigned GET on every read, so a stored generation never hands out an
 *   expired URL;
 * - select: with a `productId`, the chosen image is copied out of the expiring `results/` prefix and
 *   becomes the product's image (`GET /v1/products/{productId}/content` → `image`). `productId` is
 *   optional for this feature (docs/contract.md): without one, select only records `selectedIndex`, like a blog
 *   draft, and the image stays reachable through the generation until the results expire.
 *
 * Registered by `composition/image-feature.ts`, in the functions that read or write image generations.
 */
import { setProductContent } from './content-history.ts';
import { ModelFailure, NotFound } from './errors.ts';
import type { FeatureModule, GenerationDeps } from './features.ts';
import { checkImage, type ImageFormat } from './image-check.ts';
import { keptKey, resultKey, type EnhancedImage, type ImageModel, type UploadContentType, type UploadStore } from './images.ts';
import type { ImageInput } from './schemas.ts';

/** What `prepare` hands to `generate`: the accepted upload, already decoded once. */
export interface PreparedImage {
  image: Buffer;
  contentType: UploadContentType;
  width: number;
  height: number;
}

/** A variant as stored in the generation: the S3 key, never a URL (URLs expire, keys do not). */
export interface StoredImageVariant {
  key: string;
  contentType: EnhancedImage['contentType'];
  width: number;
  height: number;
  operations: string[];
}

const CONTENT_TYPE_OF: Record<ImageFormat, UploadContentType> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

// Viewing and selecting need the bucket only; generating needs the image model too (composition/images.ts).
function uploadsOf(deps: GenerationDeps): UploadStore {
  if (!deps.uploads) throw new Error('image_enhancement needs deps.uploads (composition/image-feature.ts)');
  return deps.uploads;
}

function ports(deps: GenerationDeps): { uploads: UploadStore; images: ImageModel } {
  if (!deps.images) throw new Error('image_enhancement generations need deps.images (composition/images.ts)');
  return { uploads: uploadsOf(deps), images: deps.images };
}

export const imageEnhancement: FeatureModule<ImageInput, PreparedImage> = {
  async prepare(deps, accountId, input) {
    const upload = await uploadsOf(deps).getUpload(accountId, input.uploadId);
    if (!upload) throw new NotFound(`Upload ${input.uploadId} was not found. Create it with POST /v1/uploads and PUT the photo to its uploadUrl first.`);
    const checked = await checkImage(upload.bytes, upload.contentType);
    return { image: upload.bytes, contentType: CONTENT_TYPE_OF[checked.format], width: checked.width, height: checked.height };
  },

  async generate(deps, ctx) {
    const { uploads, images } = ports(deps);
    const result = await images.enhance({ image: ctx.prepared.image, contentType: ctx.prepared.contentType, style: ctx.input.style ?? 'auto' }, { signal: ctx.signal });
    const variants = await Promise.all(
      result.variants.slice(0, ctx.count).map(async (v, index): Promise<StoredImageVariant> => {
        const key = resultKey(ctx.accountId, ctx.generationId, index, v.contentType);
        await uploads.putResult(key, v.bytes, v.contentType);
        return { key, contentType: v.contentType, width: v.width, height: v.height, operations: v.operations };
      }),
    );
    // Writing the results counts against the same budget: an answer after it would reach no one.
    if (ctx.signal.aborted) throw new ModelFailure('timeout', 'The image enhancement ran out of time while storing its results.');
    return { variants, modelId: result.modelId, usage: null, calls: result.calls };
  },

  async view(deps, variant) {
    const v = variant as StoredImageVariant;
    return { imageUrl: await uploadsOf(deps).resultUrl(v.key), width: v.width, height: v.height, operations: v.operations };
  },

  async select(deps, g, variant, at) {
    if (!g.productId) return;
    const v = variant as StoredImageVariant;
    const kept = keptKey(v.key);
    await uploadsOf(deps).keepResult(v.key, kept);
    await setProductContent(deps, g.accountId, g.productId, { image: { key: kept, width: v.width, height: v.height, generationId: g.id } }, 'generation', at, g.id);
  },
};
