/** The API reference (`/openapi.json`, `/docs`) when its module is present. */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

type Static = (path: string) => { type: string; body: Buffer | string } | null;

/** The page's runtime configuration: same origin, local mode (the developer bar, local tokens). */
const pageConfig: Static = (p) => (p === '/config.json' ? { type: 'application/json', body: JSON.stringify({ mode: 'local', apiBaseUrl: '' }) } : null);

export async function staticAssets(): Promise<Static[]> {
  let mod: { buildOpenApi(): object; docsHtml(): string; swaggerUiDir(): string };
  try {
    // Optional at build time of this module: the reference is generated from the wiring and schemas.
    mod = (await import(/* @vite-ignore */ '../openapi.ts' as string)) as typeof mod;
  } catch {
    return [pageConfig];
  }
  const spec = JSON.stringify(mod.buildOpenApi());
  const dir = mod.swaggerUiDir();
  const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.map': 'application/json' };
  return [
    pageConfig,
    (p) => (p === '/openapi.json' ? { type: 'application/json', body: spec } : null),
    (p) => (p === '/docs' || p === '/docs/' ? { type: 'text/html; charset=utf-8', body: mod.docsHtml() } : null),
    (p) => {
      if (!p.startsWith('/docs/')) return null;
      const file = normalize(join(dir, p.slice('/docs/'.length)));
      if (!file.startsWith(dir) || !existsSync(file)) return null;
      return { type: types[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) };
    },
  ];
}
