import { DynamoCreditStore } from '../adapters/dynamo-store.ts';
import type { Port } from './compose.ts';
import { dynamo } from './dynamo.ts';

/** Balances, ledger and notifications (one adapter, two ports). */
export const creditStore: Port<'store' | 'notifications'> = {
  name: 'credit-store',
  provides: ['store', 'notifications'],
  env: ['TABLE_NAME'],
  access: ['table:read', 'table:write'],
  needs: [dynamo],
  build: (env, deps) => {
    const store = new DynamoCreditStore(deps.dynamo.doc, env.TABLE_NAME);
    return { store, notifications: store };
  },
};
