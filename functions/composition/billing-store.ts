import { DynamoBillingStore } from '../adapters/dynamo-billing-store.ts';
import type { Port } from './compose.ts';
import { dynamo } from './dynamo.ts';

/** Top-ups and the dedupe records of applied billing events (one adapter, two ports). */
export const billingStore: Port<'topUps' | 'processedEvents'> = {
  name: 'billing-store',
  provides: ['topUps', 'processedEvents'],
  env: ['TABLE_NAME'],
  access: ['table:read', 'table:write'],
  needs: [dynamo],
  build: (env, deps) => {
    const billing = new DynamoBillingStore(deps.dynamo.doc, env.TABLE_NAME);
    return { topUps: billing, processedEvents: billing };
  },
};
