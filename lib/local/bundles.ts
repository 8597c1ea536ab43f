/**
 * Builds the functions' bundles the way `cdk synth` does (lib/bundling.ts) for the local stack and the
 * tests, cached by content hash: a warm start hashes the sources the last build read and reuses its
 * output when nothing changed.
 *
 * The cache sits outside the repository (`$TMPDIR/ai-credits-bundles`, or `BUNDLE_CACHE_DIR`), so a
 * bundle resolves nothing from the repository's node_modules, as in Lambda. Functions that get the
 * sharp layer in AWS get a `node_modules/sharp` link to the installed sharp beside their bundle
 * instead: their "layer".
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { BUNDLE_FILE, ESBUILD_OPTIONS, needsSharp } from '../bundling.ts';
import { FUNCTIONS, type FunctionSpec } from '../wiring.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** What else decides the output: the dependency versions, the TypeScript settings and this builder. */
const ALWAYS_HASHED = ['package-lock.json', 'tsconfig.json', 'lib/bundling.ts', 'lib/local/bundles.ts'];

export interface Bundles {
  /** The build's folder: `<dir>/<function id>/index.mjs`. */
  dir: string;
  hash: string;
  /** Whether this call built them (false: taken from the cache). */
  built: boolean;
  ms: number;
  file(fnId: string): string;
  /** The modules a bundle imports from the runtime, as `static <name>` or `dynamic <name>`. */
  externals(fnId: string): string[];
}

interface Manifest {
  hash: string;
  /** Repository files the build read (node_modules aside: the lock file stands for them). */
  inputs: string[];
}

export const bundleCacheDir = (): string => process.env.BUNDLE_CACHE_DIR ?? join(tmpdir(), 'ai-credits-bundles');

function hashOf(inputs: readonly string[], fns: readonly FunctionSpec[]): string | null {
  const h = createHash('sha256');
  h.update(JSON.stringify({ options: ESBUILD_OPTIONS, entries: fns.map((f) => [f.id, f.entry, needsSharp(f)]) }));
  for (const file of [...ALWAYS_HASHED, ...inputs].sort()) {
    const abs = join(ROOT, file);
    if (!existsSync(abs)) return null;
    h.update(`\0${file}\0`).update(readFileSync(abs));
  }
  return h.digest('hex').slice(0, 20);
}

const complete = (dir: string, fns: readonly FunctionSpec[]) => existsSync(join(dir, 'externals.json')) && fns.every((f) => existsSync(join(dir, f.id, BUNDLE_FILE)));

function bundles(dir: string, hash: string, built: boolean, started: number): Bundles {
  const externals = (): Record<string, string[]> => JSON.parse(readFileSync(join(dir, 'externals.json'), 'utf8'));
  return { dir, hash, built, ms: Math.round(performance.now() - started), file: (id) => join(dir, id, BUNDLE_FILE), externals: (id) => externals()[id] ?? [] };
}

/** The bundles of `fns` (all of the wiring by default), from the cache when their sources are unchanged. */
export async function buildBundles(fns: readonly FunctionSpec[] = FUNCTIONS): Promise<Bundles> {
  const started = performance.now();
  const cache = bundleCacheDir();
  // One manifest per checkout and set of functions (a test may build a single one).
  const key = createHash('sha256').update(ROOT).update(fns.map((f) => f.id).join(',')).digest('hex').slice(0, 12);
  const manifestFile = join(cache, `manifest-${key}.json`);
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const hash = hashOf(manifest.inputs, fns);
    if (hash && hash === manifest.hash && complete(join(cache, hash), fns)) {
      relinkSharp(join(cache, hash), fns);
      return bundles(join(cache, hash), hash, false, started);
    }
  }

  const { build } = await import('esbuild');
  const staging = join(cache, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging, { recursive: true });
  const result = await build({
    ...ESBUILD_OPTIONS,
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(fns.map((f) => [`${f.id}/index`, join(ROOT, f.entry)])),
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    tsconfig: join(ROOT, 'tsconfig.json'),
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => relative(ROOT, resolve(ROOT, p)))
    .filter((p) => !p.split(/[\\/]/).includes('node_modules'));
  const hash = hashOf(inputs, fns)!;
  for (const f of fns.filter(needsSharp)) linkSharp(join(staging, f.id));
  // What each bundle leaves to the runtime (esbuild's own account): the bundle-load test reads it.
  const externals = Object.fromEntries(
    Object.entries(result.metafile.outputs)
      .filter(([out]) => out.endsWith(`/index.mjs`))
      .map(([out, o]) => [out.split('/').at(-2), [...new Set(o.imports.filter((i) => i.external).map((i) => `${i.kind === 'dynamic-import' ? 'dynamic' : 'static'} ${i.path}`))]]),
  );
  writeFileSync(join(staging, 'externals.json'), JSON.stringify(externals, null, 1));

  const dir = join(cache, hash);
  if (existsSync(dir)) (rmSync(staging, { recursive: true, force: true }), relinkSharp(dir, fns));
  else {
    try {
      renameSync(staging, dir);
    } catch {
      // Another process (a parallel test worker) finished the same build first: use theirs.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const tmp = `${manifestFile}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ hash, inputs } satisfies Manifest));
  renameSync(tmp, manifestFile);
  prune(cache, hash);
  return bundles(dir, hash, true, started);
}

/**
 * The cache is shared by content hash, so another checkout with the same sources may have built these
 * bundles and linked its own sharp (which may be gone since): point each link at this checkout's.
 */
function relinkSharp(dir: string, fns: readonly FunctionSpec[]): void {
  const target = realpathSync(join(ROOT, 'node_modules', 'sharp'));
  for (const f of fns.filter(needsSharp)) {
    const link = join(dir, f.id, 'node_modules', 'sharp');
    let current: string | undefined;
    try {
      current = realpathSync(link);
    } catch {
      current = undefined;
    }
    if (current === target) continue;
    rmSync(link, { force: true, recursive: false });
    try {
      symlinkSync(target, link, 'dir');
    } catch (err) {
      // A parallel test worker relinked it first.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** The local stand-in for the sharp layer: the installed package, next to the bundle that may load it. */
function linkSharp(fnDir: string): void {
  const target = realpathSync(join(ROOT, 'node_modules', 'sharp'));
  mkdirSync(join(fnDir, 'node_modules'), { recursive: true });
  symlinkSync(target, join(fnDir, 'node_modules', 'sharp'), 'dir');
}

/** Keeps the cache small: builds older than a day go, except the current one. */
function prune(cache: string, keep: string): void {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(cache)) {
    if (name === keep || name.startsWith('manifest-')) continue;
    const p = join(cache, name);
    if (statSync(p).mtimeMs < dayAgo) rmSync(p, { recursive: true, force: true });
  }
}
