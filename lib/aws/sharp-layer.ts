/**
 * The Lambda layer that gives the image functions `sharp` on linux-arm64, built by the CDK app itself.
 *
 * sharp is a native module: esbuild leaves it out of the bundles (`EXTERNAL_MODULES`), and the copy in
 * node_modules is this machine's (linux-x64). npm installs another platform's build when told which
 * (`--os --cpu --libc`), from the registry's `@img/sharp-linux-arm64` and `@img/sharp-libvips-linux-arm64`
 * packages, so the layer is made on any build machine without Docker. It is the version package.json pins,
 * installed once into a cache directory keyed by that version: later synths (and tests) stay offline.
 *
 * Lambda puts the layer's `nodejs/node_modules` on NODE_PATH, which the Node 18+ runtimes also search
 * for ES module imports, so the bundles' `import('sharp')` resolves to it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The platform Lambda runs the functions on (`Architecture.ARM_64`, Amazon Linux 2023's glibc). */
const TARGET = { os: 'linux', cpu: 'arm64', libc: 'glibc' } as const;

/** The exact sharp version package.json pins (a range would make the layer drift from the lock file). */
export function pinnedSharpVersion(projectRoot: string): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const version = pkg.dependencies?.sharp;
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`package.json must pin sharp to an exact version for the Lambda layer, found ${String(version)}`);
  }
  return version;
}

/** Where the layer of a version is cached: beside the project, ignored by git, never inside node_modules. */
export function sharpLayerCacheDir(projectRoot: string, version: string): string {
  return join(projectRoot, '.cache', 'lambda-layers', `sharp-${version}-${TARGET.os}-${TARGET.cpu}-${TARGET.libc}`);
}

const installedVersion = (dir: string, pkg: string): string | undefined => {
  const file = join(dir, 'nodejs', 'node_modules', pkg, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
};

/**
 * The layer's directory (`nodejs/node_modules/sharp`, `@img/sharp-linux-arm64`, …), installed on first
 * use. The install goes to a temporary sibling and is renamed into place, so a concurrent build or an
 * interrupted one never leaves a half-installed layer behind.
 */
export function buildSharpLayer(projectRoot: string, version = pinnedSharpVersion(projectRoot)): string {
  const dir = sharpLayerCacheDir(projectRoot, version);
  if (installedVersion(dir, 'sharp') === version && installedVersion(dir, `@img/sharp-${TARGET.os}-${TARGET.cpu}`)) return dir;

  mkdirSync(join(dir, '..'), { recursive: true });
  const staging = mkdtempSync(`${dir}.tmp-`);
  try {
    const nodejs = join(staging, 'nodejs');
    mkdirSync(nodejs);
    // A package.json of its own, so npm installs here and not into the project above.
    writeFileSync(join(nodejs, 'package.json'), JSON.stringify({ name: 'sharp-layer', private: true, version: '0.0.0' }));
    execFileSync(
      'npm',
      [
        'install',
        `sharp@${version}`,
        `--os=${TARGET.os}`,
        `--cpu=${TARGET.cpu}`,
        `--libc=${TARGET.libc}`,
        '--omit=dev',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        // sharp 0.33+ needs no install script: its binaries are the @img packages themselves.
        '--ignore-scripts',
      ],
      { cwd: nodejs, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 },
    );
    if (installedVersion(staging, 'sharp') !== version || !installedVersion(staging, `@img/sharp-${TARGET.os}-${TARGET.cpu}`)) {
      throw new Error(`npm did not install sharp ${version} with @img/sharp-${TARGET.os}-${TARGET.cpu} into ${nodejs}`);
    }
    rmSync(join(nodejs, 'package.json'));
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another build won the race; its layer is the same version.
      if (!existsSync(dir)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

export interface SharpLayerProps {
  projectRoot: string;
  /** Test-only stand-in for the installed layer (an asset of a tiny directory). */
  code?: lambda.Code;
}

export class SharpLayer extends Construct {
  readonly layer: lambda.LayerVersion;
  readonly version: string;

  constructor(scope: Construct, id: string, props: SharpLayerProps) {
    super(scope, id);
    this.version = pinnedSharpVersion(props.projectRoot);
    const code =
      props.code ??
      lambda.Code.fromAsset(buildSharpLayer(props.projectRoot, this.version), {
        // The content is fixed by the version and the platform: no need to hash ~20 MB on every synth.
        assetHashType: AssetHashType.CUSTOM,
        assetHash: `sharp-${this.version}-${TARGET.os}-${TARGET.cpu}-${TARGET.libc}`,
      });
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code,
      description: `sharp ${this.version} for ${TARGET.os}-${TARGET.cpu} (${TARGET.libc})`,
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      compatibleRuntimes: [lambda.Runtime.NODEJS_24_X],
    });
  }
}
