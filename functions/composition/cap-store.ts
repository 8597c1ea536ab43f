import { DynamoCapStore } from '../adapters/dynamo-cap-store.ts';
import { tablePort } from './dynamo.ts';

/** Per-account caps (scheduled posts, uploads per rolling window): slot items in the table. */
export const capStore = tablePort('cap-store', ['caps'], (doc, table) => ({ caps: new DynamoCapStore(doc, table) }));
