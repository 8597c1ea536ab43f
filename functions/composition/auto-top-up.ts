import { autoTopUpAttributes } from '../adapters/auto-top-up-attributes.ts';
import type { Port } from './compose.ts';
import { buildCreditStore, creditStore } from './credit-store.ts';

/**
 * The credit store with the auto top-up state of the balance item (`adapters/auto-top-up-attributes.ts`),
 * instead of `creditStore`, for the functions that charge, settle top-ups or serve the setting: only
 * their bundles carry its codec. (Other functions' writes leave those attributes as they are.)
 */
export const creditStoreWithAutoTopUp: Port<'store' | 'notifications'> = {
  ...creditStore,
  name: 'credit-store+auto-top-up',
  build: (env, deps) => buildCreditStore(env, deps, [autoTopUpAttributes]),
};
