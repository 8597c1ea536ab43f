import { DynamoCreditStore } from '../adapters/dynamo-store.ts';
import { tablePort } from './dynamo.ts';

/** Balances, ledger and notifications (one adapter, two ports). */
export const creditStore = tablePort('credit-store', ['store', 'notifications'], (doc, table) => {
  const store = new DynamoCreditStore(doc, table);
  return { store, notifications: store };
});
