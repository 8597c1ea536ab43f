import { rateLimitConfig } from '../env.ts';
import { DynamoRateStore } from '../adapters/dynamo-rate-store.ts';
import type { Port } from './compose.ts';
import { dynamo } from './dynamo.ts';

/** The generation rate limit: its counters and its configuration. */
export const rateStore: Port<'rate' | 'rateLimit'> = {
  name: 'rate-store',
  provides: ['rate', 'rateLimit'],
  env: ['TABLE_NAME', 'RATE_LIMIT_MAX_ATTEMPTS', 'RATE_LIMIT_WINDOW_SECONDS', 'COOLDOWN_SECONDS'],
  access: ['table:read', 'table:write'],
  needs: [dynamo],
  build: (env, deps) => ({ rate: new DynamoRateStore(deps.dynamo.doc, env.TABLE_NAME), rateLimit: rateLimitConfig(env) }),
};
