import { DynamoUsageStore } from '../adapters/dynamo-usage-store.ts';
import { tablePort } from './dynamo.ts';

/** Operator usage counters by day (generation outcomes, paid top-ups), in the service table. */
export const usageStore = tablePort('usage-store', ['usage'], (doc, table) => ({ usage: new DynamoUsageStore(doc, table) }));
