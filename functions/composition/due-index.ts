import { autoTopUpAttributes } from '../adapters/auto-top-up-attributes.ts';
import { DynamoDueCreditStore } from '../adapters/dynamo-due-index.ts';
import { jobHoldAttributes } from '../adapters/job-hold-attributes.ts';
import type { Port } from './compose.ts';
import { buildCreditStore, creditStore } from './credit-store.ts';

/**
 * The credit store with the due indexes and batched reads (`adapters/dynamo-due-index.ts`): the hourly
 * job's. Only its bundle carries them.
 */
export const creditStoreWithDueIndex: Port<'store' | 'notifications'> = {
  ...creditStore,
  name: 'credit-store+due-index',
  build: (env, deps) => buildCreditStore(env, deps, [], DynamoDueCreditStore),
};

/** Everything at once (the local tools and tests: `composition/all.ts`): due indexes, auto top-up and job holds. */
export const creditStoreWithEverything: Port<'store' | 'notifications'> = {
  ...creditStore,
  name: 'credit-store+all',
  build: (env, deps) => buildCreditStore(env, deps, [autoTopUpAttributes, jobHoldAttributes], DynamoDueCreditStore),
};
