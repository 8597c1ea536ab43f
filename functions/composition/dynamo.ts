import { makeDynamoClients, type DynamoClients } from '../adapters/dynamo-client.ts';
import type { Env, EnvKey } from '../env.ts';
import type { Deps, Port, PortKey } from './compose.ts';

/** The DynamoDB clients the table ports share (and Powertools idempotency, through `deps.dynamo`). */
export const dynamo: Port<'dynamo'> = {
  name: 'dynamo',
  provides: ['dynamo'],
  env: ['DYNAMODB_ENDPOINT'],
  access: ['table:read', 'table:write', 'idempotency'],
  build: (env) => ({ dynamo: makeDynamoClients(env) }),
};

/**
 * A port whose adapters live in the service table: it reads `TABLE_NAME`, needs the shared clients and
 * table access, and builds its `Deps` fields from the document client and the table name.
 */
export function tablePort<K extends PortKey>(
  name: string,
  provides: readonly K[],
  build: (doc: DynamoClients['doc'], table: string, env: Env) => Pick<Deps, K>,
  /** Further keys the store reads (its tuning), besides `TABLE_NAME`. */
  env: readonly EnvKey[] = [],
): Port<K> {
  return {
    name,
    provides,
    env: ['TABLE_NAME', ...env],
    access: ['table:read', 'table:write'],
    needs: [dynamo],
    build: (env, deps) => build(deps.dynamo.doc, env.TABLE_NAME, env),
  };
}
