/**
 * No module of functions/, lib/ or bin/ imports itself back through others, type-only imports included:
 * a cycle is two modules that can only be read, moved or tested together, and a value import in one
 * leaves a binding undefined at load in whichever module the other's import reaches first. TypeScript's
 * own pre-processor lists each file's imports; `#alias` specifiers resolve as package.json maps them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const IMPORTS = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).imports as Record<string, string>;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => resolve(e.parentPath, e.name));
}

/** The project file a specifier names, or undefined for packages and built-ins. */
function target(from: string, spec: string): string | undefined {
  if (spec.startsWith('.')) return resolve(dirname(from), spec);
  for (const [key, to] of Object.entries(IMPORTS)) {
    if (key === spec) return resolve(ROOT, to);
    if (key.endsWith('*') && spec.startsWith(key.slice(0, -1))) return resolve(ROOT, to.replace('*', spec.slice(key.length - 1)));
  }
  return undefined;
}

/** Every cycle met by a depth-first walk, each as `a -> b -> a` with paths relative to the root. */
function cycles(graph: Map<string, string[]>): string[] {
  const found = new Set<string>();
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) found.add([...path.slice(at), next].map((f) => relative(ROOT, f)).join(' -> '));
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) visit(file);
  return [...found];
}

function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      return [file, importedFiles.map((i) => target(file, i.fileName)).filter((t): t is string => !!t && known.has(t))];
    }),
  );
}

describe('import graph', () => {
  it('given every module of functions/, lib/ and bin/, then none reaches itself through its imports (type-only ones included)', () => {
    const files = ['functions', 'lib', 'bin'].flatMap(sources);
    const graph = importGraph(files);
    // The walk must have seen the project's imports, or an empty answer proves nothing.
    expect(files.length).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(files.length);
    expect(cycles(graph)).toEqual([]);
  });

  it('given two modules that import each other for a type only, then the walk reports that cycle', () => {
    const a = resolve(ROOT, 'a.ts');
    const b = resolve(ROOT, 'b.ts');
    expect(cycles(new Map([[a, [b]], [b, [a]]]))).toEqual(['a.ts -> b.ts -> a.ts']);
    // And from real sources: `import type` counts as an import.
    const { importedFiles } = ts.preProcessFile("import type { X } from './b.ts';\nexport type Y = X;", true, true);
    expect(importedFiles.map((i) => i.fileName)).toEqual(['./b.ts']);
  });
});
