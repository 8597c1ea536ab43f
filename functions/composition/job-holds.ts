import { autoTopUpAttributes } from '../adapters/auto-top-up-attributes.ts';
import { jobHoldAttributes } from '../adapters/job-hold-attributes.ts';
import { creditStoreWith } from './credit-store.ts';

/**
 * The credit store with bulk jobs' holds on the balance item (`adapters/job-hold-attributes.ts`), for the
 * functions that run jobs (the worker refunds from a hold, cancel too): only their bundles carry its codec.
 */
export const creditStoreWithJobHolds = /* @__PURE__ */ creditStoreWith('credit-store+job-holds', [jobHoldAttributes]);

/** The job's creation charges like a generation (auto top-up after the charge) and writes the job's hold. */
export const creditStoreForJobCreation = /* @__PURE__ */ creditStoreWith('credit-store+auto-top-up+job-holds', [autoTopUpAttributes, jobHoldAttributes]);
