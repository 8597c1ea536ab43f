/**
 * Stands in for `semver` in the bundles (the alias in lib/bundling.ts). The X-Ray SDK under Powertools
 * Tracer requires it in one place only: `captureAWS`, the patcher of AWS SDK v2 modules, to check their
 * version. functions/ uses SDK v3 clients, traced by `captureAWSv3Client`, which never calls it; the real
 * package is 28 KB of every bundle. If anything ever does call it, it fails loudly instead of guessing.
 */
export const gte = (): never => {
  throw new Error('semver is not bundled (lib/bundling.ts aliases it): only the X-Ray SDK’s AWS SDK v2 patcher (captureAWS) needs it');
};
