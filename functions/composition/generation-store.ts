import { DynamoGenerationStore } from '../adapters/dynamo-generation-store.ts';
import { tablePort } from './dynamo.ts';

export const generationStore = tablePort(
  'generation-store',
  ['generations'],
  (doc, table, env) => ({ generations: new DynamoGenerationStore(doc, table, env.GENERATION_TTL_DAYS) }),
  ['GENERATION_TTL_DAYS'],
);
