/**
 * The one set of esbuild options for the functions' bundles. CDK's NodejsFunction (BUNDLING in
 * lib/aws/service-function.ts) is configured from it, and the local stack's builder
 * (lib/local/bundles.ts) passes it to esbuild as is, so what runs locally and in the tests is what
 * deploys (test/infra/bundling.test.ts compares the two outputs byte for byte).
 */
import type { BuildOptions } from 'esbuild';

/**
 * esbuild's ESM output keeps CommonJS dependencies' `require` calls behind a shim that needs a real
 * `require` in scope; ESM has none, so the bundle creates one.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/**
 * Left out of the bundle: `sharp` ships a native binary per platform that esbuild cannot bundle and
 * this x64 build machine cannot install for arm64. Functions that need it get it from a layer.
 */
export const EXTERNAL_MODULES = ['sharp'];

/** The file name Lambda loads (`index.handler`): NodejsFunction writes ESM bundles as index.mjs. */
export const BUNDLE_FILE = 'index.mjs';

export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // Prefer the ESM builds of dependencies: they tree-shake.
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: EXTERNAL_MODULES,
} as const satisfies BuildOptions;

/** Functions with uploads access process images: they get the sharp layer (in AWS and locally). */
export const needsSharp = (fn: { access: readonly string[] }): boolean => fn.access.some((a) => /^(uploads|results|selected):/.test(a));
