import { DynamoContentHistory } from '../adapters/dynamo-content-history.ts';
import { tablePort } from './dynamo.ts';

/** Versions of products' content (description, SEO, image), in the service table. */
export const contentHistory = tablePort('content-history', ['history'], (doc, table) => ({ history: new DynamoContentHistory(doc, table) }));
