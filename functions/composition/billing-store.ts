import { DynamoBillingStore } from '../adapters/dynamo-billing-store.ts';
import { tablePort } from './dynamo.ts';

/** Top-ups and the dedupe records of applied billing events (one adapter, two ports). */
export const billingStore = tablePort('billing-store', ['topUps', 'processedEvents'], (doc, table) => {
  const billing = new DynamoBillingStore(doc, table);
  return { topUps: billing, processedEvents: billing };
});
