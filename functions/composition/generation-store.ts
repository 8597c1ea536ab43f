import { DynamoGenerationStore } from '../adapters/dynamo-generation-store.ts';
import { tablePort } from './dynamo.ts';

export const generationStore = tablePort('generation-store', ['generations'], (doc, table) => ({ generations: new DynamoGenerationStore(doc, table) }));
