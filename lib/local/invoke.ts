/**
 * Invokes a wiring function in the running local stack: its bundle, in its worker (lib/local/runner.ts).
 * The local bus and scheduler deliver through here.
 */
import type { FunctionSpec } from '../wiring.ts';
import type { FunctionRunner } from './runner.ts';

let runner: FunctionRunner | undefined;

/** The local stack sets its runner on start and clears it on close. */
export function useRunner(r: FunctionRunner | undefined): void {
  runner = r;
}

export function invoke(fn: FunctionSpec, event: unknown): Promise<unknown> {
  if (!runner) return Promise.reject(new Error(`no local stack is running to invoke ${fn.id}`));
  return runner.invoke(fn, event);
}
