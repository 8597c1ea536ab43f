/**
 * The merchant page takes only types from the server code: its plans, costs and limits come from
 * `GET /v1/catalog` at run time, so no module of functions/ (and no zod, which they build schemas with)
 * may end up in the page's bundle. esbuild bundles the page's entry as Vite would and its metafile says
 * which files the output holds; `import type` is erased, a value import is not.
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

async function bundledInputs(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [resolve(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    splitting: true,
    format: 'esm',
    outdir: 'out',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('the merchant page bundle', () => {
  it('given the page entry, when bundled, then it holds no module of functions/ and no zod', async () => {
    const inputs = await bundledInputs('web/src/main.tsx');
    // The page itself is there (the check would pass vacuously on an empty bundle).
    expect(inputs).toContain('web/src/catalog.ts');
    expect(inputs.filter((p) => p.startsWith('functions/'))).toEqual([]);
    expect(inputs.filter((p) => p.includes('node_modules/zod/'))).toEqual([]);
  });

  it('given a page module that imports a value from functions/, when bundled, then the check sees it', async () => {
    // The same bundling of a module that does what the page must not: proves the first test can fail.
    const inputs = await bundledInputs('test/unit/fixtures/web-value-import.ts');
    expect(inputs).toContain('functions/core/schemas.ts');
    expect(inputs.some((p) => p.includes('node_modules/zod/'))).toBe(true);
  });
});
