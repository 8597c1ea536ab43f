import { makeDynamoClients } from '../adapters/dynamo-client.ts';
import { DynamoNotificationStore } from '../adapters/dynamo-notification-store.ts';
import { DynamoCreditStore, type BalanceAttributes } from '../adapters/dynamo-store.ts';
import type { Env } from '../env.ts';
import type { Deps, Port } from './compose.ts';
import { dynamo } from './dynamo.ts';

/**
 * Balances and ledger, and notifications: two adapters on the one table. Ledger maintenance (block
 * items, trims) goes through a client of its own, so it never queues behind a burst of charges at the
 * main client's sockets (see `DynamoCreditStore`).
 */
export const creditStore: Port<'store' | 'notifications'> = {
  name: 'credit-store',
  provides: ['store', 'notifications'],
  env: ['TABLE_NAME'],
  access: ['table:read', 'table:write'],
  needs: [dynamo],
  build: (env, deps) => buildCreditStore(env, deps),
};

/**
 * `creditStore` with more of the balance item: `attributes` read and written besides its own (auto top-up,
 * job holds), or a store class with more methods (the hourly job's due indexes). Each variant lives in the
 * module of its feature, so only the bundles that compose it carry its codec.
 */
export function creditStoreWith(name: string, attributes: readonly BalanceAttributes[], Store?: typeof DynamoCreditStore): Port<'store' | 'notifications'> {
  return { ...creditStore, name, build: (env, deps) => buildCreditStore(env, deps, attributes, Store) };
}

/** The two adapters, the credit store reading and writing `attributes` of the balance item besides its own. */
export function buildCreditStore(env: Env, deps: Deps, attributes: readonly BalanceAttributes[] = [], Store: typeof DynamoCreditStore = DynamoCreditStore): Pick<Deps, 'store' | 'notifications'> {
  const store = new Store(deps.dynamo.doc, env.TABLE_NAME, {}, makeDynamoClients(env).doc, attributes);
  return { store, notifications: new DynamoNotificationStore(deps.dynamo.doc, env.TABLE_NAME) };
}
