/**
 * Loads a wiring function's handler module and invokes it the way Lambda would: with an event and a
 * context whose remaining time follows the function's timeout.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../wiring.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
type Handler = (event: unknown, context: Context) => Promise<unknown>;
const loaded = new Map<string, Promise<Handler>>();

export function loadHandler(fn: FunctionSpec): Promise<Handler> {
  let h = loaded.get(fn.id);
  if (!h) {
    h = import(pathToFileURL(resolve(ROOT, fn.entry)).href).then((m: { handler?: Handler }) => {
      if (typeof m.handler !== 'function') throw new Error(`${fn.entry} does not export a handler`);
      return m.handler;
    });
    loaded.set(fn.id, h);
  }
  return h;
}

export function lambdaContext(fn: FunctionSpec): Context {
  const deadline = Date.now() + (fn.timeoutSeconds ?? 29) * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: fn.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.id}`,
    memoryLimitInMB: String(fn.memoryMb ?? 512),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function invoke(fn: FunctionSpec, event: unknown): Promise<unknown> {
  const handler = await loadHandler(fn);
  return handler(event, lambdaContext(fn));
}
