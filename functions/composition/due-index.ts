import { autoTopUpAttributes } from '../adapters/auto-top-up-attributes.ts';
import { DynamoDueCreditStore } from '../adapters/dynamo-due-index.ts';
import { jobHoldAttributes } from '../adapters/job-hold-attributes.ts';
import { creditStoreWith } from './credit-store.ts';

/**
 * The credit store with the due indexes and batched reads (`adapters/dynamo-due-index.ts`): the hourly
 * job's. Only its bundle carries them.
 */
export const creditStoreWithDueIndex = /* @__PURE__ */ creditStoreWith('credit-store+due-index', [], DynamoDueCreditStore);

/** Everything at once (the local tools and tests: `composition/all.ts`): due indexes, auto top-up and job holds. */
export const creditStoreWithEverything = /* @__PURE__ */ creditStoreWith('credit-store+all', [autoTopUpAttributes, jobHoldAttributes], DynamoDueCreditStore);
