/**
 * Test images made on the fly with sharp, so no binary fixture lives in the repository.
 * Pixels come from a seeded generator: the same call gives the same bytes on every run.
 */
import sharp from 'sharp';

/** mulberry32: small, fast, seeded; good enough for sensor-like noise. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

export interface PhotoOptions {
  width?: number;
  height?: number;
  seed?: number;
  format?: 'jpeg' | 'png' | 'webp';
}

/**
 * A dim, warm-cast product photo: a red bottle-like ellipse with a yellow label on a grey
 * backdrop that darkens towards the bottom, with noise. Underexposed (mean luma ≈ 55/255) on purpose.
 */
export async function dimProductPhoto(options: PhotoOptions = {}): Promise<Buffer> {
  const { data, width, height } = dimProductPixels(options);
  const image = sharp(data, { raw: { width, height, channels: 3 } });
  switch (options.format ?? 'jpeg') {
    case 'png':
      return image.png({ compressionLevel: 3 }).toBuffer();
    case 'webp':
      return image.webp({ quality: 85 }).toBuffer();
    default:
      return image.jpeg({ quality: 90 }).toBuffer();
  }
}

/** The raw RGB pixels of `dimProductPhoto`, with the product's geometry for assertions. */
export function dimProductPixels({ width = 1600, height = 1200, seed = 1 }: PhotoOptions = {}) {
  const rnd = random(seed);
  const data = Buffer.alloc(width * height * 3);
  const cx = width / 2;
  const cy = height / 2;
  const rx = width / 6;
  const ry = height / 4;
  const label = { x0: cx - rx * 0.6, x1: cx + rx * 0.6, y0: cy - ry * 0.25, y1: cy + ry * 0.2 };
  for (let y = 0; y < height; y++) {
    const t = y / (height - 1);
    // Backdrop: warm grey, darker at the bottom.
    const bg = [70 - 16 * t, 66 - 15 * t, 56 - 13 * t];
    for (let x = 0; x < width; x++) {
      const dx = (x - cx) / rx;
      const dy = (y - cy) / ry;
      let rgb = bg;
      if (dx * dx + dy * dy <= 1) {
        // Rounded shading so the product is not a flat disc.
        const shade = 0.75 + 0.35 * (1 - Math.abs(dx));
        rgb = x >= label.x0 && x <= label.x1 && y >= label.y0 && y <= label.y1 ? [150 * shade, 128 * shade, 52 * shade] : [118 * shade, 30 * shade, 26 * shade];
      }
      const n = (rnd() + rnd() - 1) * 10;
      const i = (y * width + x) * 3;
      data[i] = clamp(rgb[0] + n);
      data[i + 1] = clamp(rgb[1] + n);
      data[i + 2] = clamp(rgb[2] + n);
    }
  }
  return { data, width, height, product: { cx, cy, rx, ry } };
}

/** A product (blue square) on a fully transparent background: the alpha channel is the mask. */
export async function transparentProductPng(width = 800, height = 600): Promise<Buffer> {
  const side = Math.round(Math.min(width, height) / 2);
  const square = await sharp({ create: { width: side, height: side, channels: 4, background: { r: 30, g: 60, b: 160, alpha: 1 } } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: square, left: Math.round((width - side) / 2), top: Math.round((height - side) / 2) }])
    .png()
    .toBuffer();
}

/** 8000×6250 = 50 megapixels, over the 40 MP limit; a solid colour keeps the PNG tiny and quick to make. */
export async function fiftyMegapixelPng(): Promise<Buffer> {
  return sharp({ create: { width: 8000, height: 6250, channels: 3, background: { r: 200, g: 200, b: 200 } } }).png().toBuffer();
}

/** A real JPEG cut off at 60%: the header reads fine, the scan data ends early. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await dimProductPhoto({ width: 640, height: 480 });
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

export function textFile(): Buffer {
  return Buffer.from('name,price\nmug,12.00\nteapot,30.00\n', 'utf8');
}

export interface PixelStats {
  width: number;
  height: number;
  /** Mean Rec. 709 luma, 0–255. */
  luma: number;
  /** Per-channel means, 0–255. */
  means: [number, number, number];
  /** Standard deviation of luma: a crude contrast measure. */
  lumaStdev: number;
}

/** Stats of an encoded image, computed on its RGB pixels (alpha flattened on white). */
export async function pixelStats(bytes: Buffer): Promise<PixelStats> {
  const { data, info } = await sharp(bytes).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let r = 0;
  let g = 0;
  let b = 0;
  let sum = 0;
  let sumSq = 0;
  const n = info.width * info.height;
  for (let i = 0; i < data.length; i += 3) {
    r += data[i];
    g += data[i + 1];
    b += data[i + 2];
    const y = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
    sum += y;
    sumSq += y * y;
  }
  const luma = sum / n;
  return {
    width: info.width,
    height: info.height,
    luma,
    means: [r / n, g / n, b / n],
    lumaStdev: Math.sqrt(Math.max(0, sumSq / n - luma * luma)),
  };
}

/** The RGB of one pixel of an encoded image. */
export async function pixelAt(bytes: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data } = await sharp(bytes).extract({ left: x, top: y, width: 1, height: 1 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [data[0], data[1], data[2]];
}
