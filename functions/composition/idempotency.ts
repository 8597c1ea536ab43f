import { idempotencyMiddleware } from '../http/idempotency.ts';
import type { Port } from './compose.ts';
import { dynamo } from './dynamo.ts';

/** Powertools idempotency (its own table, through the function's DynamoDB client). */
export const idempotency: Port<'idempotency'> = {
  name: 'idempotency',
  provides: ['idempotency'],
  env: ['IDEMPOTENCY_TABLE_NAME'],
  access: ['idempotency'],
  needs: [dynamo],
  build: (_env, deps) => ({ idempotency: idempotencyMiddleware(deps) }),
};
