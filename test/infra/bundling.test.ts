/**
 * Real bundling. Every wiring entry must exist and bundle with the functions' esbuild options (one
 * esbuild call for all, so the test stays fast as the wiring grows); one function goes through the
 * real NodejsFunction path `cdk synth` uses and is compared with the local builder's output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { CreditsStack, PROJECT_ROOT } from '#lib/aws/credits-stack.ts';
import { BUNDLING } from '#lib/aws/service-function.ts';
import { DEFAULT_SETTINGS } from '#lib/aws/settings.ts';
import { buildBundles } from '#lib/local/bundles.ts';
import { FUNCTIONS } from '#lib/wiring.ts';

const present = FUNCTIONS.filter((f) => fs.existsSync(path.join(PROJECT_ROOT, f.entry)));

describe('wiring entries', () => {
  it.each(FUNCTIONS.map((f) => [f.id, f.entry]))('%s: its entry file %s exists (cdk synth bundles it)', (_id, entry) => {
    expect(fs.existsSync(path.join(PROJECT_ROOT, entry))).toBe(true);
  });

  it('all bundle with the functions’ esbuild options: every import resolves, nothing but the declared externals is left out', async () => {
    expect(present.length).toBeGreaterThan(0);
    const result = await build({
      absWorkingDir: PROJECT_ROOT,
      entryPoints: Object.fromEntries(present.map((f) => [f.id, f.entry])),
      bundle: true,
      write: false,
      outdir: 'out',
      platform: 'node',
      format: 'esm',
      target: BUNDLING.target,
      mainFields: BUNDLING.mainFields,
      external: BUNDLING.externalModules,
      banner: { js: BUNDLING.banner },
      tsconfig: 'tsconfig.json',
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles.map((f) => path.basename(f.path, '.js')).sort()).toEqual(present.map((f) => f.id).sort());
  });
});

describe('NodejsFunction bundling (one function, as cdk synth does it)', () => {
  let dir: string;
  const spec = present[0]!;

  beforeAll(() => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-bundling-'));
    const app = new App({ outdir });
    // NodejsFunction bundles while the stack is constructed, into the assembly's staging directory.
    const stack = new CreditsStack(app, 'Bundled', { settings: DEFAULT_SETTINGS, functions: [spec] });
    const asset = stack.functions.get(spec.id)!.fn.node.findChild('Code') as Asset;
    dir = path.join(outdir, asset.assetPath);
  }, 120_000);

  it('writes a minified ESM index.mjs that opens with the createRequire banner and links its source map', () => {
    const code = fs.readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith(BUNDLING.banner)).toBe(true);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'index.mjs.map'), 'utf8')).version).toBe(3);
    // Minified: a handful of very long lines.
    expect(code.split('\n').length).toBeLessThan(code.length / 1000);
  });

  it('is, byte for byte, the bundle the local stack and the tests run (lib/local/bundles.ts), which bundles-load.test.ts loads', async () => {
    const local = await buildBundles([spec]);
    expect(fs.readFileSync(path.join(dir, 'index.mjs')).equals(fs.readFileSync(local.file(spec.id)))).toBe(true);
  });
});

describe('bundle size (issue #12: median bundle ≤ 400 KB minified)', () => {
  it('given every function’s deployed bundle, then the median is at most 400 KB, and no DynamoDB bundle carries mnemonist (the endpoint cache’s LRU is aliased)', async () => {
    const bundles = await buildBundles();
    const kb = FUNCTIONS.map((f) => fs.statSync(bundles.file(f.id)).size / 1024).sort((a, b) => a - b);
    // The upper median for an even count, as `npm run bench -- bundles` reports it.
    const median = kb[Math.floor(kb.length / 2)]!;
    expect(kb.length).toBeGreaterThan(10);
    expect(median).toBeLessThanOrEqual(400);
    for (const f of FUNCTIONS) {
      const code = fs.readFileSync(bundles.file(f.id), 'utf8');
      // mnemonist's LRU throws this on a bad capacity; the stand-in's message differs in its case.
      expect(code.includes('mnemonist/lru-cache: capacity should be positive number.'), f.id).toBe(false);
    }
  });
});

describe('the bundle cache (shared by content hash across checkouts)', () => {
  it('given a cached bundle whose sharp link names another checkout’s sharp (since removed), when the bundles are taken from the cache, then the link is this checkout’s again', async () => {
    const spec = FUNCTIONS.find((f) => f.id === 'generations-create')!;
    const first = await buildBundles([spec]);
    const link = path.join(path.dirname(first.file(spec.id)), 'node_modules', 'sharp');
    const gone = fs.mkdtempSync(path.join(os.tmpdir(), 'other-checkout-'));
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.join(gone, 'node_modules', 'sharp'), link, 'dir');
    expect(() => fs.realpathSync(link)).toThrow();
    const again = await buildBundles([spec]);
    expect(again.built).toBe(false);
    expect(fs.realpathSync(link)).toBe(fs.realpathSync(path.join(PROJECT_ROOT, 'node_modules', 'sharp')));
    fs.rmSync(gone, { recursive: true, force: true });
  });
});
