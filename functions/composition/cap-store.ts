import { DynamoCapStore } from '../adapters/dynamo-cap-store.ts';
import type { Port } from './compose.ts';
import { dynamo } from './dynamo.ts';

/** Per-account caps (scheduled posts, uploads per rolling window): slot items in the table. */
export const capStore: Port<'caps'> = {
  name: 'cap-store',
  provides: ['caps'],
  env: ['TABLE_NAME'],
  access: ['table:read', 'table:write'],
  needs: [dynamo],
  build: (env, deps) => ({ caps: new DynamoCapStore(deps.dynamo.doc, env.TABLE_NAME) }),
};
