import { autoTopUpAttributes } from '../adapters/auto-top-up-attributes.ts';
import { creditStoreWith } from './credit-store.ts';

/**
 * The credit store with the auto top-up state of the balance item (`adapters/auto-top-up-attributes.ts`),
 * instead of `creditStore`, for the functions that charge, settle top-ups or serve the setting: only
 * their bundles carry its codec. (Other functions' writes leave those attributes as they are.)
 */
export const creditStoreWithAutoTopUp = /* @__PURE__ */ creditStoreWith('credit-store+auto-top-up', [autoTopUpAttributes]);
