/**
 * Offline image enhancement of a 12-megapixel (4000×3000) JPEG product photo, end to end: the
 * `checkImage` gate, then `OfflineImageModel.enhance` producing both 2048² variants. Target: under
 * 3 s per photo on the 2-core machine. Prints nothing; `bench/run.ts` reports the numbers.
 */
import { OfflineImageModel } from '#adapters/image-offline.ts';
import { checkImage } from '#core/image-check.ts';
import { dimProductPhoto } from '../support/images.ts';

const RUNS = 5;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const round = (ms: number) => Math.round(ms * 10) / 10;

export async function benchImageEnhance(): Promise<Record<string, number | string>> {
  const photo = await dimProductPhoto({ width: 4000, height: 3000, seed: 12 });
  const model = new OfflineImageModel();

  // One warm-up: the first call loads libvips' codecs and JIT-compiles the pixel loops.
  await checkImage(photo, 'image/jpeg');
  await model.enhance({ image: photo, contentType: 'image/jpeg', style: 'auto' }, {});

  const checks: number[] = [];
  const enhances: number[] = [];
  let sizes: [number, number] = [0, 0];
  for (let i = 0; i < RUNS; i++) {
    let started = performance.now();
    await checkImage(photo, 'image/jpeg');
    checks.push(performance.now() - started);
    started = performance.now();
    const result = await model.enhance({ image: photo, contentType: 'image/jpeg', style: 'auto' }, {});
    enhances.push(performance.now() - started);
    sizes = [result.variants[0].bytes.length, result.variants[1].bytes.length];
  }
  checks.sort((a, b) => a - b);
  enhances.sort((a, b) => a - b);

  return {
    'image.input': `4000x3000 JPEG q90, ${(photo.length / 1024 / 1024).toFixed(2)} MB`,
    'image.runs': RUNS,
    'image.check_ms_p50': round(percentile(checks, 0.5)),
    'image.enhance_ms_p50': round(percentile(enhances, 0.5)),
    'image.enhance_ms_min': round(enhances[0]),
    'image.enhance_ms_max': round(enhances[enhances.length - 1]),
    'image.target_ms': 3000,
    'image.variant0_kb': Math.round(sizes[0] / 1024),
    'image.variant1_kb': Math.round(sizes[1] / 1024),
  };
}
