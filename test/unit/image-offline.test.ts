/**
 * The offline image model on generated photos: each test compares pixels, not just shapes, so a
 * pipeline that returned the input (or one variant twice) would fail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { OfflineImageModel, OFFLINE_IMAGE_MODEL_ID } from '#adapters/image-offline.ts';
import { ModelFailure } from '#core/errors.ts';
import type { ImageEnhanceResult } from '#core/images.ts';
import { dimProductPhoto, pixelAt, pixelStats, transparentProductPng, type PixelStats } from '../support/images.ts';

const model = new OfflineImageModel();

let photo: Buffer;
let original: PixelStats;
let result: ImageEnhanceResult;

beforeAll(async () => {
  photo = await dimProductPhoto({ width: 1600, height: 1200 });
  original = await pixelStats(photo);
  result = await model.enhance({ image: photo, contentType: 'image/jpeg', style: 'auto' }, {});
});

/** Where a point of the 1600×1200 photo lands on the 2048² canvas (scaled ×1.28, centred vertically). */
const onCanvas = (x: number, y: number): [number, number] => [Math.round(x * 1.28), Math.round(y * 1.28 + 256)];

describe('given a dim, warm-cast 1600×1200 JPEG product photo, when the offline model enhances it', () => {
  it('then it returns two 2048×2048 JPEGs that decode to exactly that size', async () => {
    expect(result.modelId).toBe(OFFLINE_IMAGE_MODEL_ID);
    expect(result.variants).toHaveLength(2);
    for (const variant of result.variants) {
      expect(variant).toMatchObject({ contentType: 'image/jpeg', width: 2048, height: 2048 });
      const meta = await sharp(variant.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 2048, 2048]);
    }
  });

  it('then variant 0 is clearly brighter and more contrasted than the original, and lists each correction', async () => {
    const enhanced = await pixelStats(result.variants[0].bytes);
    expect(original.luma).toBeLessThan(70); // the fixture really is underexposed
    expect(enhanced.luma).toBeGreaterThan(original.luma + 35);
    expect(enhanced.lumaStdev).toBeGreaterThan(original.lumaStdev * 1.5);
    expect(result.variants[0].operations).toEqual([
      'upscaled_to_fit_2048',
      'white_balance_gray_world_neutral_pixels',
      'contrast_levels_stretched_p0.5_p99.5',
      'exposure_brightened_gamma',
      'sharpened_unsharp_mask',
      'padded_to_square_2048_edge_colours',
    ]);
  });

  it('then variant 0 neutralises the warm cast of the grey backdrop', async () => {
    const [r0, , b0] = await pixelAt(photo, 100, 100);
    const [r1, , b1] = await pixelAt(result.variants[0].bytes, ...onCanvas(100, 100));
    expect(r0 / b0).toBeGreaterThan(1.15); // warm before
    expect(Math.abs(r1 / b1 - 1)).toBeLessThan(Math.abs(r0 / b0 - 1) / 2); // at least halved after
  });

  it('then variant 0 pads the square with the photo’s own edge colours, not white or black', async () => {
    const [r, g, b] = await pixelAt(result.variants[0].bytes, 1024, 10);
    const [er, eg, eb] = await pixelAt(result.variants[0].bytes, 1024, 262); // first photo rows below the pad
    expect(Math.abs(r - er) + Math.abs(g - eg) + Math.abs(b - eb)).toBeLessThan(40);
    expect(Math.max(r, g, b)).toBeLessThan(230);
  });

  it('then variant 1 puts the product on white: white corners and backdrop, the red product kept', async () => {
    const white = result.variants[1].bytes;
    for (const [x, y] of [[5, 5], [2040, 2040], onCanvas(100, 100), onCanvas(1500, 1100)]) {
      const px = await pixelAt(white, x, y);
      expect(Math.min(...px)).toBeGreaterThanOrEqual(248);
    }
    const [r, g, b] = await pixelAt(white, ...onCanvas(800 - 200, 600)); // on the bottle, off the label
    expect(r).toBeGreaterThan(g + 60);
    expect(r).toBeGreaterThan(b + 60);
    expect(result.variants[1].operations).toEqual([
      'upscaled_to_fit_2048',
      'white_balance_gray_world_neutral_pixels',
      'contrast_levels_stretched_p0.5_p99.5',
      'exposure_brightened_gamma',
      'sharpened_unsharp_mask',
      'background_colour_estimated_from_border_median',
      'background_masked_by_border_connected_colour_threshold',
      'mask_edges_feathered',
      'background_replaced_with_white',
      'padded_to_square_2048_white',
    ]);
  });

  it('then the two variants differ from each other and from the original', async () => {
    const [v0, v1] = await Promise.all(result.variants.map((v) => pixelStats(v.bytes)));
    expect(v1.luma - v0.luma).toBeGreaterThan(60);
    expect(Math.abs(v0.luma - original.luma)).toBeGreaterThan(35);
    expect(result.variants[0].bytes.equals(result.variants[1].bytes)).toBe(false);
  });

  it('then enhancing the same photo again gives byte-identical variants (deterministic)', async () => {
    const again = await model.enhance({ image: photo, contentType: 'image/jpeg', style: 'auto' }, {});
    expect(again.variants[0].bytes.equals(result.variants[0].bytes)).toBe(true);
    expect(again.variants[1].bytes.equals(result.variants[1].bytes)).toBe(true);
  });
});

describe('offline model options and edge cases', () => {
  it('given style white_background, when enhanced, then variant 0 is padded with white instead of edge colours', async () => {
    const out = await model.enhance({ image: photo, contentType: 'image/jpeg', style: 'white_background' }, {});
    expect(await pixelAt(out.variants[0].bytes, 1024, 10)).toEqual([255, 255, 255]);
    expect(out.variants[0].operations.at(-1)).toBe('padded_to_square_2048_white');
  });

  it('given a PNG cut-out with a transparent background, then variant 0 stays transparent and variant 1 uses its alpha on white', async () => {
    const cutout = await transparentProductPng(800, 600);
    const out = await model.enhance({ image: cutout, contentType: 'image/png', style: 'auto' }, {});
    const [v0, v1] = out.variants;
    expect(v0.contentType).toBe('image/png');
    const { data } = await sharp(v0.bytes).ensureAlpha().extract({ left: 5, top: 5, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect(data[3]).toBe(0);
    expect(v0.operations).toContain('transparency_kept');
    expect(v1.contentType).toBe('image/jpeg');
    expect(await pixelAt(v1.bytes, 5, 5)).toEqual([255, 255, 255]);
    expect(v1.operations).toContain('background_taken_from_alpha_channel');
    const [r, , b] = await pixelAt(v1.bytes, 1024, 1024);
    expect(b).toBeGreaterThan(r + 60); // the blue product survives
  });

  it('given a photo whose border is random colour noise, then variant 1 says it skipped whitening instead of pretending', async () => {
    const noise = await sharp(randomBytes(320 * 240 * 3), { raw: { width: 320, height: 240, channels: 3 } }).png().toBuffer();
    const out = await model.enhance({ image: noise, contentType: 'image/png', style: 'auto' }, {});
    expect(out.variants[1].operations).toContain('background_whitening_skipped_border_not_uniform');
    expect(out.variants[1].operations).not.toContain('background_replaced_with_white');
  });

  it('given an already aborted signal, then it fails with ModelFailure timeout and does no work', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await model.enhance({ image: photo, contentType: 'image/jpeg', style: 'auto' }, { signal: controller.signal }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ModelFailure);
    expect((failure as ModelFailure).kind).toBe('timeout');
  });

  it('given a 12-megapixel (4000×3000) photo, then it downscales on decode and says so (timing: test/bench/image-enhance.ts)', async () => {
    const big = await dimProductPhoto({ width: 4000, height: 3000, seed: 7 });
    const out = await model.enhance({ image: big, contentType: 'image/jpeg', style: 'auto' }, {});
    expect(out.variants[0].operations[0]).toBe('downscaled_to_fit_2048');
    expect(out.variants.map((v) => [v.width, v.height])).toEqual([[2048, 2048], [2048, 2048]]);
  });
});
