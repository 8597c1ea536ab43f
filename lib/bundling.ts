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

/**
 * Swapped for a stub in every bundle: the SDK's default credential chain and the Bedrock client's bearer
 * token chain. The clients' runtime configs import them statically (so explicit credentials alone do not
 * let esbuild drop them), and they bring the SSO, STS, sign-in and instance-metadata providers with their
 * own nested clients (~130 KB per function). Every client in functions/ signs with the role's credentials
 * from the environment instead (functions/adapters/aws-credentials.ts); the stub throws if a client
 * without them ever reaches for a chain. Paths are relative to the project root, the working directory
 * of both CDK's esbuild and the local builder.
 */
const NO_CHAIN = './functions/adapters/no-credential-chain.ts';
export const ALIASES = {
  '@aws-sdk/credential-provider-node': NO_CHAIN,
  '@aws-sdk/token-providers': NO_CHAIN,
  // Needed only by the X-Ray SDK's AWS SDK v2 patcher, never called here (see the stub).
  semver: './functions/observability/no-semver.ts',
  // Streaming operations only (ConverseStream, SelectObjectContent), none used here (see the stub).
  '@smithy/core/event-streams': './functions/adapters/no-event-streams.ts',
  // The DynamoDB client's endpoint-discovery cache: the same LRU on a Map (see the module), ~7 KB less.
  'mnemonist/lru-cache': './functions/adapters/map-lru-cache.ts',
} as const;

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
  alias: ALIASES,
} as const satisfies BuildOptions;

/** Functions with uploads access process images: they get the sharp layer (in AWS and locally). */
export const needsSharp = (fn: { access: readonly string[] }): boolean => fn.access.some((a) => /^(uploads|results|selected):/.test(a));
