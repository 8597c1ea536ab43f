/**
 * `npm run bench -- bundles`: each function's bundle size (minified, as deployed) and its cold import
 * time: a fresh worker thread loading the bundle, as a Lambda init does, with the local stack's
 * environment for that function. Beside them, the floor: a fresh worker doing a bare
 * `import('@aws-sdk/client-dynamodb')` from node_modules, the one client nearly every function needs.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { needsSharp } from '../../lib/bundling.ts';
import { buildBundles } from '../../lib/local/bundles.ts';
import { LOCAL_ENV, UNSERVED_QUEUE_URLS } from '../../lib/local/env.ts';
import { FunctionRunner } from '../../lib/local/runner.ts';
import { FUNCTIONS } from '../../lib/wiring.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Cold import of the bare SDK client in a fresh worker, `runs` times. */
async function floorMs(runs: number): Promise<number[]> {
  const target = pathToFileURL(resolve(ROOT, 'node_modules', '@aws-sdk', 'client-dynamodb', 'dist-cjs', 'index.js')).href;
  const code = `const { parentPort } = require('node:worker_threads'); const t = performance.now(); import(${JSON.stringify(target)}).then(() => parentPort.postMessage(performance.now() - t));`;
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const w = new Worker(code, { eval: true, execArgv: [] });
    out.push(await new Promise<number>((res, rej) => (w.once('message', res), w.once('error', rej))));
    await w.terminate();
  }
  return out;
}

export async function benchBundles(): Promise<Record<string, number | string>> {
  const bundles = await buildBundles();
  const env = { ...LOCAL_ENV, CHECKOUT_BASE_URL: 'http://127.0.0.1:3000/local/checkout', DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', S3_ENDPOINT: 'http://127.0.0.1:1', ...UNSERVED_QUEUE_URLS, LOG_LEVEL: 'SILENT' };
  const refuse = () => Promise.reject(new Error('not in the bench'));
  const runs = 3;
  const figures: Record<string, number | string> = {};
  const sizes: number[] = [];
  const textColds: number[] = [];
  for (const fn of FUNCTIONS) {
    const kb = statSync(bundles.file(fn.id)).size / 1024;
    sizes.push(kb);
    // Each run a fresh runner, so each import is a cold one; the median of three damps this noisy machine.
    const colds: number[] = [];
    for (let i = 0; i < runs; i++) {
      const runner = new FunctionRunner({ bundles, env: () => env, bus: { publish: refuse }, scheduler: { createOneTime: refuse, deleteOneTime: refuse } });
      colds.push((await runner.coldStart(fn)).initMs);
      await runner.close();
    }
    const cold = median(colds);
    if (!fn.access.includes('bedrock:invoke') && !needsSharp(fn)) textColds.push(cold);
    figures[`${fn.id}: KB minified / cold import ms`] = `${kb.toFixed(0)} / ${cold.toFixed(0)}`;
  }
  const floor = median(await floorMs(runs));
  figures['median bundle (KB minified; goal ≤ 400)'] = median(sizes).toFixed(0);
  figures['largest bundle (KB minified)'] = Math.max(...sizes).toFixed(0);
  figures['text functions: median / max cold import (ms; goal ≤ 150)'] = `${median(textColds).toFixed(0)} / ${Math.max(...textColds).toFixed(0)}`;
  figures['floor: bare import(@aws-sdk/client-dynamodb) in a fresh worker (ms)'] = floor.toFixed(0);
  figures['text functions: median cold import / floor'] = (median(textColds) / floor).toFixed(2);
  return figures;
}
