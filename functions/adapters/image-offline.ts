/**
 * The offline image model: classic photo corrections with sharp and a few typed-array passes, no
 * network, deterministic for a given photo. It is the local default; the Bedrock adapter reuses its
 * steps for everything but finding the product.
 *
 * Pipeline (one decode, then everything at the working size, fitted inside 2048 px, which keeps a
 * 12-megapixel photo at about a second on two cores):
 *   decode + orient + fit inside 2048 → measure → white balance, levels, gamma (one LUT per channel)
 *   → gentle unsharp mask → variant 0: pad to a 2048 square; variant 1: mask the background, put the
 *   product on white, pad with white.
 */
import { loadSharp } from './sharp.ts';
import { DECODE_FAIL_ON } from '#core/image-check.ts';
import { ModelFailure } from '#core/errors.ts';
import { IMAGE_LIMITS, type EnhancedImage, type ImageEnhanceInput, type ImageEnhanceOptions, type ImageEnhanceResult, type ImageModel, type ImageStyle } from '#core/images.ts';

const SIDE = IMAGE_LIMITS.outputSide;
const JPEG_QUALITY = 90;

/** An RGB image in memory, 8 bits per channel, row-major. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/** The photo after decoding and enhancement, shared by both variants. */
export interface WorkingImage {
  /** Enhanced and sharpened, opaque (transparency flattened on white). */
  rgb: RgbImage;
  /** Enhanced, not yet sharpened: the input for a segmentation model. */
  unsharpened: RgbImage;
  /** When the upload had transparent pixels: its enhanced straight colours and its alpha, at working size. */
  cutout: { rgb: RgbImage; alpha: Buffer } | null;
  /** Operations applied so far, in order. */
  operations: string[];
}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ModelFailure('timeout', 'The image enhancement ran out of time.');
}

const clamp8 = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Decodes, orients and fits the photo inside 2048 px: the one full-resolution step. */
async function decodeToWorkingSize(image: Buffer): Promise<{ rgba: Buffer; width: number; height: number; operations: string[] }> {
  const source = (await loadSharp())(image, { failOn: DECODE_FAIL_ON, limitInputPixels: IMAGE_LIMITS.maxPixels });
  const meta = await source.metadata();
  const operations: string[] = [];
  if ((meta.orientation ?? 1) !== 1) operations.push('auto_oriented_from_exif');
  const { data, info } = await source
    .autoOrient()
    .resize(SIDE, SIDE, { fit: 'inside', kernel: 'lanczos3' })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' }) // 16-bit PNGs come down to 8 bits here, once
    .toBuffer({ resolveWithObject: true });
  const [w, h] = (meta.orientation ?? 1) >= 5 ? [meta.height!, meta.width!] : [meta.width!, meta.height!];
  if (w !== info.width || h !== info.height) operations.push(Math.max(w, h) < SIDE ? `upscaled_to_fit_${SIDE}` : `downscaled_to_fit_${SIDE}`);
  return { rgba: data, width: info.width, height: info.height, operations };
}

interface Corrections {
  gains: [number, number, number];
  lo: number;
  hi: number;
  gamma: number;
}

/**
 * Measures the photo on a sparse sample of opaque pixels and derives the three corrections:
 * - white balance, gray-world restricted to low-saturation pixels (walls, tables, backdrops are
 *   the neutral references; a large red product would otherwise be "corrected" to grey);
 * - contrast, a levels stretch between the 0.5th and 99.5th luma percentiles;
 * - exposure, a gamma that brings the median luma to the middle of the range.
 * Each is clamped so a photo that is already fine is left nearly as it was.
 */
function measure(rgba: Buffer, width: number, height: number): Corrections {
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / 250_000)));
  let n = 0;
  let nNeutral = 0;
  const sum = [0, 0, 0];
  const sumNeutral = [0, 0, 0];
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const i = (y * width + x) * 4;
      if (rgba[i + 3] < 128) continue;
      const r = rgba[i];
      const g = rgba[i + 1];
      const b = rgba[i + 2];
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      if (max >= 250 || max < 8) continue; // clipped or black pixels carry no colour information
      n++;
      sum[0] += r;
      sum[1] += g;
      sum[2] += b;
      if ((max - min) / max < 0.3) {
        nNeutral++;
        sumNeutral[0] += r;
        sumNeutral[1] += g;
        sumNeutral[2] += b;
      }
    }
  }
  const ref = nNeutral >= n * 0.05 && nNeutral > 100 ? sumNeutral : sum;
  const grey = (ref[0] + ref[1] + ref[2]) / 3;
  const gains = ref.map((c) => (c > 0 ? Math.min(1.3, Math.max(0.77, grey / c)) : 1)) as [number, number, number];

  // Luma histogram after white balance.
  const hist = new Uint32Array(256);
  let count = 0;
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const i = (y * width + x) * 4;
      if (rgba[i + 3] < 128) continue;
      const l = 0.2126 * rgba[i] * gains[0] + 0.7152 * rgba[i + 1] * gains[1] + 0.0722 * rgba[i + 2] * gains[2];
      hist[clamp8(l)]++;
      count++;
    }
  }
  const percentile = (p: number) => {
    const target = count * p;
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v];
      if (acc >= target) return v;
    }
    return 255;
  };
  let lo = percentile(0.005);
  let hi = percentile(0.995);
  // Never stretch more than 3×, never clip away a real highlight or shadow.
  lo = Math.min(lo, 60);
  hi = Math.max(hi, 160);
  if (hi - lo < 85) hi = Math.min(255, lo + 85);
  const median = (percentile(0.5) - lo) / (hi - lo);
  const m = Math.min(0.95, Math.max(0.05, median));
  const gamma = Math.abs(m - 0.5) < 0.03 ? 1 : Math.min(1.6, Math.max(0.45, Math.log(0.5) / Math.log(m)));
  return { gains, lo, hi, gamma };
}

/**
 * Applies the corrections through one 256-entry table per channel. A photo with transparent pixels
 * also gets a copy flattened on white; the straight (unflattened) colours keep its cut-out usable.
 */
function correct(rgba: Buffer, width: number, height: number, c: Corrections): { rgb: Buffer; straight: Buffer | null; alpha: Buffer | null; operations: string[] } {
  const luts = [0, 1, 2].map((ch) => {
    const lut = new Uint8Array(256);
    for (let v = 0; v < 256; v++) {
      const balanced = v * c.gains[ch];
      const stretched = Math.min(1, Math.max(0, (balanced - c.lo) / (c.hi - c.lo)));
      lut[v] = clamp8(255 * Math.pow(stretched, c.gamma));
    }
    return lut;
  });
  const pixels = width * height;
  let transparent = false;
  for (let p = 3; p < rgba.length; p += 4) {
    if (rgba[p] < 255) {
      transparent = true;
      break;
    }
  }
  const straight = Buffer.allocUnsafe(pixels * 3);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += 4, o += 3) {
    straight[o] = luts[0][rgba[i]];
    straight[o + 1] = luts[1][rgba[i + 1]];
    straight[o + 2] = luts[2][rgba[i + 2]];
  }
  const operations: string[] = [];
  if (c.gains.some((g) => Math.abs(g - 1) > 0.01)) operations.push('white_balance_gray_world_neutral_pixels');
  if (c.lo > 0 || c.hi < 255) operations.push('contrast_levels_stretched_p0.5_p99.5');
  if (c.gamma !== 1) operations.push(c.gamma < 1 ? 'exposure_brightened_gamma' : 'exposure_darkened_gamma');
  if (!transparent) return { rgb: straight, straight: null, alpha: null, operations };

  const alpha = Buffer.allocUnsafe(pixels);
  for (let p = 0; p < pixels; p++) alpha[p] = rgba[p * 4 + 3];
  return { rgb: compositeOnWhite({ data: straight, width, height }, alpha).data, straight, alpha, operations: [...operations, 'transparency_flattened_on_white'] };
}

const raw3 = (img: RgbImage) => ({ raw: { width: img.width, height: img.height, channels: 3 as const } });

const sharpen = async (img: RgbImage) =>
  // Gentle: a small radius and a low gain on flat areas, so noise and JPEG blocks are not amplified.
  (await loadSharp())(img.data, raw3(img)).sharpen({ sigma: 0.8, m1: 0.5, m2: 1.5 }).raw().toBuffer();

/** Decodes and enhances the photo at working size; both variants start from this. */
export async function prepareWorkingImage(image: Buffer, signal?: AbortSignal): Promise<WorkingImage> {
  const decoded = await decodeToWorkingSize(image);
  checkSignal(signal);
  const { width, height } = decoded;
  const corrected = correct(decoded.rgba, width, height, measure(decoded.rgba, width, height));
  checkSignal(signal);
  const unsharpened: RgbImage = { data: corrected.rgb, width, height };
  const [sharpened, straight] = await Promise.all([
    sharpen(unsharpened),
    corrected.straight ? sharpen({ data: corrected.straight, width, height }) : null,
  ]);
  checkSignal(signal);
  return {
    rgb: { data: sharpened, width, height },
    unsharpened,
    cutout: straight && corrected.alpha ? { rgb: { data: straight, width, height }, alpha: corrected.alpha } : null,
    operations: [...decoded.operations, ...corrected.operations, 'sharpened_unsharp_mask'],
  };
}

/** The median colour of a ring of border pixels (width: 3% of the shorter side). */
export function borderColour(img: RgbImage): [number, number, number] {
  const ring = Math.max(1, Math.round(Math.min(img.width, img.height) * 0.03));
  const hists = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let count = 0;
  const add = (x: number, y: number) => {
    const i = (y * img.width + x) * 3;
    hists[0][img.data[i]]++;
    hists[1][img.data[i + 1]]++;
    hists[2][img.data[i + 2]]++;
    count++;
  };
  for (let y = 0; y < img.height; y++) {
    if (y < ring || y >= img.height - ring) {
      for (let x = 0; x < img.width; x++) add(x, y);
    } else {
      for (let x = 0; x < ring; x++) add(x, y);
      for (let x = img.width - ring; x < img.width; x++) add(x, y);
    }
  }
  return hists.map((h) => {
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += h[v];
      if (acc * 2 >= count) return v;
    }
    return 255;
  }) as [number, number, number];
}

type Rgb = [number, number, number];
const WHITE: Rgb = [255, 255, 255];

/** Median colour of a strip of rows or columns, for padding that continues the photo's own edge. */
function stripColour(img: RgbImage, side: 'top' | 'bottom' | 'left' | 'right'): Rgb {
  const depth = Math.max(1, Math.round(Math.min(img.width, img.height) * 0.03));
  const [x0, x1, y0, y1] =
    side === 'top' ? [0, img.width, 0, depth]
    : side === 'bottom' ? [0, img.width, img.height - depth, img.height]
    : side === 'left' ? [0, depth, 0, img.height]
    : [img.width - depth, img.width, 0, img.height];
  const hists = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 3;
      hists[0][img.data[i]]++;
      hists[1][img.data[i + 1]]++;
      hists[2][img.data[i + 2]]++;
    }
  }
  const count = (x1 - x0) * (y1 - y0);
  return hists.map((h) => {
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += h[v];
      if (acc * 2 >= count) return v;
    }
    return 255;
  }) as Rgb;
}

/**
 * Centres `img` (already fitted inside the square) on the square canvas. `edges` fills each padded
 * side with the median colour of the photo's strip along it, so a backdrop lit top-to-bottom
 * does not end in one flat band of the wrong shade.
 */
export function padToSquare(img: RgbImage, fill: 'white' | 'edges'): RgbImage {
  const out = Buffer.allocUnsafe(SIDE * SIDE * 3);
  const left = Math.floor((SIDE - img.width) / 2);
  const top = Math.floor((SIDE - img.height) / 2);
  const paint = (colour: Rgb, x0: number, x1: number, y0: number, y1: number) => {
    for (let y = y0; y < y1; y++) {
      for (let x = x0, o = (y * SIDE + x0) * 3; x < x1; x++, o += 3) {
        out[o] = colour[0];
        out[o + 1] = colour[1];
        out[o + 2] = colour[2];
      }
    }
  };
  const colour = (side: 'top' | 'bottom' | 'left' | 'right') => (fill === 'white' ? WHITE : stripColour(img, side));
  if (top > 0) paint(colour('top'), 0, SIDE, 0, top);
  if (top + img.height < SIDE) paint(colour('bottom'), 0, SIDE, top + img.height, SIDE);
  if (left > 0) paint(colour('left'), 0, left, top, top + img.height);
  if (left + img.width < SIDE) paint(colour('right'), left + img.width, SIDE, top, top + img.height);
  const rowBytes = img.width * 3;
  for (let y = 0; y < img.height; y++) img.data.copy(out, ((top + y) * SIDE + left) * 3, y * rowBytes, y * rowBytes + rowBytes);
  return { data: out, width: SIDE, height: SIDE };
}

/** Pads to the square output canvas and encodes as JPEG (opaque variants carry no transparency). */
export async function encodeOnSquare(img: RgbImage, fill: 'white' | 'edges', operations: string[]): Promise<EnhancedImage> {
  const square = padToSquare(img, fill);
  const bytes = await (await loadSharp())(square.data, raw3(square)).jpeg({ quality: JPEG_QUALITY }).toBuffer();
  const padded = img.width < SIDE || img.height < SIDE;
  return {
    bytes,
    contentType: 'image/jpeg',
    width: SIDE,
    height: SIDE,
    operations: padded ? [...operations, `padded_to_square_${SIDE}_${fill === 'white' ? 'white' : 'edge_colours'}`] : operations,
  };
}

/** Puts `img` over white through `mask` (0 = background, 255 = product), both at the same size. */
export function compositeOnWhite(img: RgbImage, mask: Buffer): RgbImage {
  const out = Buffer.allocUnsafe(img.data.length);
  for (let p = 0, o = 0; p < mask.length; p++, o += 3) {
    const k = mask[p] / 255;
    const w = 255 * (1 - k);
    out[o] = clamp8(img.data[o] * k + w);
    out[o + 1] = clamp8(img.data[o + 1] * k + w);
    out[o + 2] = clamp8(img.data[o + 2] * k + w);
  }
  return { data: out, width: img.width, height: img.height };
}

/** Scales a one-channel mask to `width`×`height`, feathering its edge by `blurSigma` px. */
export async function scaleMask(mask: Buffer, from: { width: number; height: number }, to: { width: number; height: number }, blurSigma: number): Promise<Buffer> {
  let pipeline = (await loadSharp())(mask, { raw: { width: from.width, height: from.height, channels: 1 } }).resize(to.width, to.height, { fit: 'fill', kernel: 'linear' });
  if (blurSigma >= 0.3) pipeline = pipeline.blur(blurSigma);
  return pipeline.extractChannel(0).raw().toBuffer();
}

const MASK_SIDE = 1024;

export interface BackgroundMask {
  /** 0 = background, 255 = product, at working size. */
  mask: Buffer;
  operations: string[];
}

/**
 * Finds the background by its colour at the border: on a downscaled copy (averaging removes sensor
 * noise), pixels within a tolerance of the border's median colour are flood-filled from the edges;
 * only that connected region is background, so a product's own light areas are kept. The tolerance
 * follows how uneven the border is (a lit backdrop darkens towards one edge). Refuses, returning
 * null, when the border is too varied to be a backdrop or the fill takes nearly nothing or everything.
 */
export async function maskByBorderColour(img: RgbImage): Promise<BackgroundMask | null> {
  const scale = Math.min(1, MASK_SIDE / Math.max(img.width, img.height));
  const w = Math.max(1, Math.round(img.width * scale));
  const h = Math.max(1, Math.round(img.height * scale));
  const small = await (await loadSharp())(img.data, raw3(img)).resize(w, h, { fit: 'fill', kernel: 'cubic' }).blur(0.8).raw().toBuffer();
  const smallImg = { data: small, width: w, height: h };
  const bg = borderColour(smallImg);

  const dist = new Float32Array(w * h);
  for (let p = 0, i = 0; p < w * h; p++, i += 3) {
    const dr = small[i] - bg[0];
    const dg = small[i + 1] - bg[1];
    const db = small[i + 2] - bg[2];
    dist[p] = Math.sqrt(dr * dr + dg * dg + db * db);
  }
  // The 90th percentile distance of border pixels to their median: how uneven the backdrop is.
  const borderDists: number[] = [];
  for (let x = 0; x < w; x++) borderDists.push(dist[x], dist[(h - 1) * w + x]);
  for (let y = 1; y < h - 1; y++) borderDists.push(dist[y * w], dist[y * w + w - 1]);
  borderDists.sort((a, b) => a - b);
  const spread = borderDists[Math.floor(borderDists.length * 0.9)];
  if (spread > 60) return null;
  const tolerance = Math.min(70, Math.max(18, spread * 1.6 + 10));

  const isBg = new Uint8Array(w * h);
  const queue = new Int32Array(w * h);
  let head = 0;
  let tail = 0;
  const seed = (p: number) => {
    if (!isBg[p] && dist[p] <= tolerance) {
      isBg[p] = 1;
      queue[tail++] = p;
    }
  };
  for (let x = 0; x < w; x++) {
    seed(x);
    seed((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    seed(y * w);
    seed(y * w + w - 1);
  }
  while (head < tail) {
    const p = queue[head++];
    const x = p % w;
    if (x > 0) seed(p - 1);
    if (x < w - 1) seed(p + 1);
    if (p >= w) seed(p - w);
    if (p < w * (h - 1)) seed(p + w);
  }
  const share = tail / (w * h);
  if (share < 0.05 || share > 0.97) return null;

  const small8 = Buffer.allocUnsafe(w * h);
  for (let p = 0; p < w * h; p++) small8[p] = isBg[p] ? 0 : 255;
  const mask = await scaleMask(small8, { width: w, height: h }, img, Math.max(0.6, 1 / scale / 2));
  return {
    mask,
    operations: ['background_colour_estimated_from_border_median', 'background_masked_by_border_connected_colour_threshold', 'mask_edges_feathered'],
  };
}

/** Variant 1 of the offline model: the product on white, from the upload's alpha or the border colour. */
export async function whiteBackgroundVariant(work: WorkingImage): Promise<EnhancedImage> {
  if (work.cutout) {
    // The working image was already flattened on white through this alpha.
    return encodeOnSquare(work.rgb, 'white', [...work.operations, 'background_taken_from_alpha_channel', 'background_replaced_with_white']);
  }
  const found = await maskByBorderColour(work.rgb);
  if (!found) {
    return encodeOnSquare(work.rgb, 'white', [...work.operations, 'background_whitening_skipped_border_not_uniform']);
  }
  return encodeOnSquare(compositeOnWhite(work.rgb, found.mask), 'white', [...work.operations, ...found.operations, 'background_replaced_with_white']);
}

/**
 * Variant 0: the enhanced photo on a square canvas, padded with its own border colour (`auto`) or
 * white. An upload with transparency stays a transparent PNG, so it still differs from variant 1.
 */
export async function enhancedVariant(work: WorkingImage, style: ImageStyle): Promise<EnhancedImage> {
  if (work.cutout) {
    const { rgb, alpha } = work.cutout;
    const bytes = await (await loadSharp())(rgb.data, raw3(rgb))
      .joinChannel(alpha, { raw: { width: rgb.width, height: rgb.height, channels: 1 } })
      .resize(SIDE, SIDE, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png({ compressionLevel: 6 })
      .toBuffer();
    const operations = [...work.operations.filter((op) => op !== 'transparency_flattened_on_white'), 'transparency_kept'];
    if (rgb.width < SIDE || rgb.height < SIDE) operations.push(`padded_to_square_${SIDE}_transparent`);
    return { bytes, contentType: 'image/png', width: SIDE, height: SIDE, operations };
  }
  return encodeOnSquare(work.rgb, style === 'white_background' ? 'white' : 'edges', work.operations);
}

export const OFFLINE_IMAGE_MODEL_ID = 'offline-sharp-enhance-v1';

export class OfflineImageModel implements ImageModel {
  async enhance(input: ImageEnhanceInput, opts: ImageEnhanceOptions = {}): Promise<ImageEnhanceResult> {
    checkSignal(opts.signal);
    try {
      const work = await prepareWorkingImage(input.image, opts.signal);
      // The two variants encode in parallel on libuv's thread pool (one libvips thread each here).
      const [enhanced, white] = await Promise.all([enhancedVariant(work, input.style), whiteBackgroundVariant(work)]);
      checkSignal(opts.signal);
      return { variants: [enhanced, white], modelId: OFFLINE_IMAGE_MODEL_ID, calls: 1 };
    } catch (error) {
      if (error instanceof ModelFailure) throw error;
      throw new ModelFailure('invalid_output', 'The photo could not be processed.', error);
    }
  }
}
