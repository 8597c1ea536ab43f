/**
 * The gate in front of `image_enhancement`: an upload is decoded before any credit is charged, so a
 * file that is not a readable JPEG, PNG or WebP of the declared type and size is a 400, never a
 * charge followed by a refund.
 */
import type { Metadata } from 'sharp';
import { ValidationFailed } from './errors.ts';
import { IMAGE_LIMITS, UPLOAD_CONTENT_TYPES, type UploadContentType } from './images.ts';

/** sharp is native (a layer in AWS): loaded on the first check, never at cold start. */
const sharp = () => import('sharp').then((m) => m.default);

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export interface CheckedImage {
  /** Displayed size, after the EXIF orientation is applied. */
  width: number;
  height: number;
  format: ImageFormat;
}

const FORMAT_OF: Record<UploadContentType, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};

const NAME_OF: Record<ImageFormat, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };

/**
 * 'error' aborts on truncated or undecodable pixel data but tolerates the benign warnings many
 * cameras' JPEGs raise (extraneous bytes before a marker), which sharp's default 'warning' refuses.
 * Every decoder of an upload uses this level, so what passes here also decodes in the models.
 */
export const DECODE_FAIL_ON = 'error' as const;

/**
 * Recognises the three accepted formats by their signatures. Only these reach sharp: an SVG, TIFF
 * or HEIF posing as an upload is refused without running its decoder.
 */
export function sniffFormat(bytes: Buffer): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

function refuse(message: string): ValidationFailed {
  return new ValidationFailed([{ path: 'input.uploadId', message }]);
}

/**
 * Decodes `bytes` fully and returns its size and format, or throws `ValidationFailed` (path
 * `input.uploadId`) when it is empty, over 10 MB, not a JPEG/PNG/WebP, not of `declaredType`,
 * over 40 megapixels, smaller than 64 px on a side, or truncated/corrupt.
 */
export async function checkImage(bytes: Buffer, declaredType: string): Promise<CheckedImage> {
  if (!(UPLOAD_CONTENT_TYPES as readonly string[]).includes(declaredType)) {
    throw refuse(`The declared content type ${JSON.stringify(declaredType)} is not one of ${UPLOAD_CONTENT_TYPES.join(', ')}.`);
  }
  const declared = FORMAT_OF[declaredType as UploadContentType];
  if (bytes.length === 0) throw refuse('The upload is empty.');
  if (bytes.length > IMAGE_LIMITS.maxUploadBytes) {
    throw refuse(`The upload is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; the limit is ${IMAGE_LIMITS.maxUploadBytes / 1024 / 1024} MB.`);
  }
  const sniffed = sniffFormat(bytes);
  if (!sniffed) throw refuse('The upload is not a JPEG, PNG or WebP image.');
  if (sniffed !== declared) throw refuse(`The upload is a ${NAME_OF[sniffed]} image but was declared as ${declaredType}.`);

  // The header alone gives the size: a pixel bomb is refused before a single pixel is decoded.
  let meta: Metadata;
  try {
    meta = await (await sharp())(bytes, { failOn: DECODE_FAIL_ON, limitInputPixels: false }).metadata();
  } catch {
    throw refuse(`The upload is not a readable ${NAME_OF[sniffed]} image.`);
  }
  if (meta.format !== sniffed || !meta.width || !meta.height) throw refuse(`The upload is not a readable ${NAME_OF[sniffed]} image.`);
  const pixels = meta.width * meta.height;
  if (pixels > IMAGE_LIMITS.maxPixels) {
    throw refuse(`The image is ${(pixels / 1e6).toFixed(1)} megapixels (${meta.width}×${meta.height}); the limit is ${IMAGE_LIMITS.maxPixels / 1e6}.`);
  }
  if (Math.min(meta.width, meta.height) < IMAGE_LIMITS.minSidePixels) {
    throw refuse(`The image is ${meta.width}×${meta.height}; each side needs at least ${IMAGE_LIMITS.minSidePixels} pixels.`);
  }

  // Decoding every scanline is what finds a truncated or corrupt file; a tiny output keeps it cheap
  // (JPEG decodes at 1/8 scale, still reading all the entropy-coded data).
  try {
    await (await sharp())(bytes, { failOn: DECODE_FAIL_ON, limitInputPixels: IMAGE_LIMITS.maxPixels })
      .resize(32, 32, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch {
    throw refuse(`The ${NAME_OF[sniffed]} image is truncated or corrupt.`);
  }

  const swapped = (meta.orientation ?? 1) >= 5;
  return { width: swapped ? meta.height : meta.width, height: swapped ? meta.width : meta.height, format: sniffed };
}
