/**
 * Runs once before any test file: builds the functions' bundles (the local stacks of every test file
 * then take them from the cache) and the merchant page (web/ → web/dist) so every browser test
 * serves the same fresh build, and tells the test processes so (WEB_BUILT=1).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildBundles } from '../../lib/local/bundles.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

export default async function setup(): Promise<void> {
  process.env.AWS_REGION ??= 'us-east-1';
  await buildBundles();
  const config = join(ROOT, 'web', 'vite.config.ts');
  if (!existsSync(config)) return;
  const { build } = await import('vite');
  await build({ root: join(ROOT, 'web'), configFile: config, logLevel: 'warn' });
  process.env.WEB_BUILT = '1';
}
