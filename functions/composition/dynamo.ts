import { makeDynamoClients } from '../adapters/dynamo-client.ts';
import type { Port } from './compose.ts';

/** The DynamoDB clients the table ports share (and Powertools idempotency, through `deps.dynamo`). */
export const dynamo: Port<'dynamo'> = {
  name: 'dynamo',
  provides: ['dynamo'],
  env: ['DYNAMODB_ENDPOINT'],
  access: ['table:read', 'table:write', 'idempotency'],
  build: (env) => ({ dynamo: makeDynamoClients(env) }),
};
