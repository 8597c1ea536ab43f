/**
 * The local stack's own dependencies, in the main process: every port, from the local environment.
 * Local-only routes (checkout) and tests use them to seed and inspect the same dynalite the
 * functions' bundles talk to over HTTP. Handlers never see these: each runs its bundle in a worker.
 */
import { composeAll } from '../../functions/composition/all.ts';
import type { Deps } from '../../functions/composition/compose.ts';

export type { Deps };

let built: Deps | undefined;

/** Every port, built on first use from `source` (the process environment the stack filled in). */
export function buildDeps(source: NodeJS.ProcessEnv = process.env): Deps {
  return composeAll(source).deps;
}

export function deps(): Deps {
  built ??= buildDeps();
  return built;
}

/** Forget the built dependencies so the next call re-reads the environment (a new stack). */
export function resetDeps(): void {
  built = undefined;
}
