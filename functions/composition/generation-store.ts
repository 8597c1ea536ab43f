import { DynamoGenerationStore } from '../adapters/dynamo-generation-store.ts';
import type { Port } from './compose.ts';
import { dynamo } from './dynamo.ts';

export const generationStore: Port<'generations'> = {
  name: 'generation-store',
  provides: ['generations'],
  env: ['TABLE_NAME'],
  access: ['table:read', 'table:write'],
  needs: [dynamo],
  build: (env, deps) => ({ generations: new DynamoGenerationStore(deps.dynamo.doc, env.TABLE_NAME) }),
};
