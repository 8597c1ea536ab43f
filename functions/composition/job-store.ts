import { DynamoJobStore } from '../adapters/dynamo-job-store.ts';
import { tablePort } from './dynamo.ts';

/** Bulk generation jobs, their items, and the products' stored content read in pages and batches. */
export const jobStore = tablePort('job-store', ['jobs'], (doc, table) => ({ jobs: new DynamoJobStore(doc, table) }));
