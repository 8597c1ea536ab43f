/**
 * `checkImage` is the 400 gate in front of every image charge: each refusal below is a file that must
 * never cost a merchant credits. All images are made with sharp in `support/images.ts`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { checkImage, sniffFormat } from '#core/image-check.ts';
import { ValidationFailed } from '#core/errors.ts';
import { IMAGE_LIMITS } from '#core/images.ts';
import { dimProductPhoto, fiftyMegapixelPng, textFile, truncatedJpeg } from '../support/images.ts';

async function refusal(promise: Promise<unknown>): Promise<ValidationFailed> {
  const outcome = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(outcome).toBeInstanceOf(ValidationFailed);
  const failure = outcome as ValidationFailed;
  expect(failure.status).toBe(400);
  expect(failure.issues).toHaveLength(1);
  expect(failure.issues[0].path).toBe('input.uploadId');
  return failure;
}

let jpeg: Buffer;
let png: Buffer;
let webp: Buffer;

beforeAll(async () => {
  [jpeg, png, webp] = await Promise.all([
    dimProductPhoto({ width: 640, height: 480 }),
    dimProductPhoto({ width: 640, height: 480, format: 'png' }),
    dimProductPhoto({ width: 640, height: 480, format: 'webp' }),
  ]);
});

describe('checkImage accepts', () => {
  it('given a JPEG, PNG and WebP declared as their own types, then returns each one’s size and format', async () => {
    await expect(checkImage(jpeg, 'image/jpeg')).resolves.toEqual({ width: 640, height: 480, format: 'jpeg' });
    await expect(checkImage(png, 'image/png')).resolves.toEqual({ width: 640, height: 480, format: 'png' });
    await expect(checkImage(webp, 'image/webp')).resolves.toEqual({ width: 640, height: 480, format: 'webp' });
  });

  it('given a portrait photo stored landscape with EXIF orientation 6, then reports its displayed size', async () => {
    const rotated = await sharp(jpeg).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    await expect(checkImage(rotated, 'image/jpeg')).resolves.toEqual({ width: 480, height: 640, format: 'jpeg' });
  });
});

describe('checkImage refuses with 400 VALIDATION_FAILED on input.uploadId', () => {
  it('given a text file declared as a JPEG, then says it is not a JPEG, PNG or WebP image', async () => {
    const failure = await refusal(checkImage(textFile(), 'image/jpeg'));
    expect(failure.issues[0].message).toMatch(/not a JPEG, PNG or WebP/);
  });

  it('given a PNG declared as image/jpeg, then names both the real and the declared type', async () => {
    const failure = await refusal(checkImage(png, 'image/jpeg'));
    expect(failure.issues[0].message).toMatch(/PNG image but was declared as image\/jpeg/);
  });

  it('given a JPEG declared as image/webp, then refuses the mismatch', async () => {
    await refusal(checkImage(jpeg, 'image/webp'));
  });

  it('given a declared type outside the accepted three (image/gif), then refuses before reading the file', async () => {
    const failure = await refusal(checkImage(jpeg, 'image/gif'));
    expect(failure.issues[0].message).toMatch(/image\/gif/);
  });

  it('given an 8000×6250 (50 MP) PNG, then refuses it as over 40 megapixels, from its header, quickly', async () => {
    const big = await fiftyMegapixelPng();
    const started = performance.now();
    const failure = await refusal(checkImage(big, 'image/png'));
    expect(failure.issues[0].message).toMatch(/50\.0 megapixels.*limit is 40/);
    // Decoding 50 MP would take far longer: the size came from the header alone.
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('given a JPEG cut off at 60%, then refuses it as truncated though its header reads fine', async () => {
    const cut = await truncatedJpeg();
    expect((await sharp(cut).metadata()).width).toBe(640);
    const failure = await refusal(checkImage(cut, 'image/jpeg'));
    expect(failure.issues[0].message).toMatch(/truncated or corrupt/);
  });

  it('given a PNG cut off at 60%, then refuses it as truncated', async () => {
    await refusal(checkImage(png.subarray(0, Math.floor(png.length * 0.6)), 'image/png'));
  });

  it('given more than 10 MB of bytes, then refuses them before decoding anything', async () => {
    const padded = Buffer.concat([jpeg, Buffer.alloc(IMAGE_LIMITS.maxUploadBytes + 1 - jpeg.length)]);
    const failure = await refusal(checkImage(padded, 'image/jpeg'));
    expect(failure.issues[0].message).toMatch(/limit is 10 MB/);
  });

  it('given an empty upload, then refuses it', async () => {
    await refusal(checkImage(Buffer.alloc(0), 'image/png'));
  });

  it('given a 40×40 icon, then refuses it as too small to enhance', async () => {
    const icon = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#888' } }).png().toBuffer();
    const failure = await refusal(checkImage(icon, 'image/png'));
    expect(failure.issues[0].message).toMatch(/at least 64 pixels/);
  });

  it('given an SVG declared as image/png, then refuses it without handing it to an SVG decoder', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200"/></svg>');
    expect(sniffFormat(svg)).toBeNull();
    await refusal(checkImage(svg, 'image/png'));
  });
});
