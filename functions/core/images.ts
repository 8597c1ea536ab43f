/**
 * The image ports of `image_enhancement`: the model that turns one product photo into two variants,
 * and the store that receives merchants' uploads and serves the results.
 * Adapters: `adapters/image-offline.ts` (sharp only, the local default), `adapters/image-bedrock.ts`
 * (Stable Image Remove Background on Bedrock) and `adapters/uploads-s3.ts` (S3, or s3rver locally).
 * Like the text port, a model adapter throws `ModelFailure` on any failure of its own; a photo that
 * cannot be used is refused earlier, before any charge, by `checkImage` (`image-check.ts`).
 */
/** Content types a merchant may upload (docs/contract.md, Uploads). */
export const UPLOAD_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

/** Limits of the image feature, enforced by `checkImage`, the upload store and the models. */
export const IMAGE_LIMITS = {
  /** docs/contract.md: `bytes` ≤ 10 MB. */
  maxUploadBytes: 10 * 1024 * 1024,
  /** docs/contract.md: over 40 megapixels → 400. */
  maxPixels: 40_000_000,
  /** Smaller than this there is nothing to enhance; refused rather than charged for a blur. */
  minSidePixels: 64,
  /** Both variants are square canvases of this side. */
  outputSide: 2048,
  /** A presigned PUT is usable this long. */
  uploadUrlTtlSeconds: 15 * 60,
  /** A presigned GET of a result is usable this long; the API presigns again on every read. */
  resultUrlTtlSeconds: 60 * 60,
} as const;

/**
 * How a photo is enhanced (docs/contract.md, image_enhancement `input.style`). Defined here, beside the
 * port that takes it, so the request schema (schemas.ts) imports it and this module imports nothing back.
 */
export const IMAGE_STYLES = ['auto', 'white_background'] as const;
export type ImageStyle = (typeof IMAGE_STYLES)[number];

export interface EnhancedImage {
  bytes: Buffer;
  contentType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  /** What was done, in order, as stable ids the UI may show (`white_balance_gray_world`, …). */
  operations: string[];
}

export interface ImageEnhanceInput {
  /** The uploaded file, already accepted by `checkImage`. */
  image: Buffer;
  contentType: UploadContentType;
  /** `white_background` also puts variant 0 on a white canvas; `auto` pads it with the photo's own border colour. */
  style: ImageStyle;
}

export interface ImageEnhanceOptions {
  /** Aborted when the time budget of the request runs out. */
  signal?: AbortSignal;
}

export interface ImageEnhanceResult {
  /** 0: the photo enhanced on a square canvas; 1: the product on a clean white background. */
  variants: [EnhancedImage, EnhancedImage];
  modelId: string;
  /** Model invocations made, retries included (the offline model counts its one local run). */
  calls: number;
}

export interface ImageModel {
  enhance(input: ImageEnhanceInput, opts: ImageEnhanceOptions): Promise<ImageEnhanceResult>;
}

/**
 * Where merchants' photos go in and results come out. Keys are the store's business: the use case
 * only names an account and an upload, or a result key from `resultKey`.
 */
export interface UploadStore {
  /** A presigned PUT to `uploads/{accountId}/{uploadId}` that only accepts this content type and length. */
  createUpload(input: {
    accountId: string;
    uploadId: string;
    contentType: UploadContentType;
    bytes: number;
  }): Promise<{ uploadUrl: string; expiresAt: string }>;
  /**
   * The uploaded bytes and the content type they were stored with (in S3 the one declared at
   * `createUpload`, which the presigned PUT signs), or null when nothing was uploaded under this
   * account and id (another account's upload is never reachable: the account is part of the key).
   */
  getUpload(accountId: string, uploadId: string): Promise<StoredUpload | null>;
  putResult(key: string, bytes: Buffer, contentType: EnhancedImage['contentType']): Promise<void>;
  /**
   * Copies a stored result to `toKey` (from `keptKey`): results expire with the bucket's lifecycle
   * rule, a product's chosen image must not.
   */
  keepResult(fromKey: string, toKey: string): Promise<void>;
  /** A short-lived presigned GET of a stored result (or kept image). */
  resultUrl(key: string): Promise<string>;
}

export interface StoredUpload {
  bytes: Buffer;
  /** As stored; `checkImage` compares it with what the bytes really are. */
  contentType: string;
}

/** Ids that name S3 key segments: no `/`, no `.`/`..` segment a URL parser would collapse. */
const SAFE_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9_\-:.]{1,100}$/;

export function isSafeKeySegment(value: string): boolean {
  return SAFE_SEGMENT.test(value);
}

export function uploadKey(accountId: string, uploadId: string): string {
  if (!isSafeKeySegment(accountId) || !isSafeKeySegment(uploadId)) {
    throw new Error('accountId and uploadId must be single safe key segments');
  }
  return `uploads/${accountId}/${uploadId}`;
}

/** The key of one variant of a generation: `results/{accountId}/{generationId}/{index}.{jpg|png}`. */
export function resultKey(accountId: string, generationId: string, index: number, contentType: EnhancedImage['contentType']): string {
  if (!isSafeKeySegment(accountId) || !isSafeKeySegment(generationId) || !Number.isInteger(index) || index < 0) {
    throw new Error('accountId, generationId and index must be safe key parts');
  }
  return `results/${accountId}/${generationId}/${index}.${contentType === 'image/png' ? 'png' : 'jpg'}`;
}

/**
 * Where a selected result is kept for good: `selected/…` mirrors `results/…`, outside the prefixes the
 * bucket's lifecycle rules expire.
 */
export function keptKey(key: string): string {
  if (!key.startsWith('results/')) throw new Error('only results are kept');
  return `selected/${key.slice('results/'.length)}`;
}
