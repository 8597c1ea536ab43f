import { autoTopUpAttributes } from '../adapters/auto-top-up-attributes.ts';
import { jobHoldAttributes } from '../adapters/job-hold-attributes.ts';
import type { Port } from './compose.ts';
import { buildCreditStore, creditStore } from './credit-store.ts';

/**
 * The credit store with bulk jobs' holds on the balance item (`adapters/job-hold-attributes.ts`), for the
 * functions that run jobs (the worker refunds from a hold, cancel too): only their bundles carry its codec.
 */
export const creditStoreWithJobHolds: Port<'store' | 'notifications'> = {
  ...creditStore,
  name: 'credit-store+job-holds',
  build: (env, deps) => buildCreditStore(env, deps, [jobHoldAttributes]),
};

/** The job's creation charges like a generation (auto top-up after the charge) and writes the job's hold. */
export const creditStoreForJobCreation: Port<'store' | 'notifications'> = {
  ...creditStore,
  name: 'credit-store+auto-top-up+job-holds',
  build: (env, deps) => buildCreditStore(env, deps, [autoTopUpAttributes, jobHoldAttributes]),
};
