import { makeScheduler } from '../adapters/scheduler.ts';
import type { Port } from './compose.ts';

export const scheduler: Port<'scheduler'> = {
  name: 'scheduler',
  provides: ['scheduler'],
  env: ['SCHEDULER_GROUP', 'SCHEDULER_ROLE_ARN', 'PUBLISH_FUNCTION_ARN', 'SCHEDULER_DLQ_ARN'],
  access: ['scheduler:create', 'scheduler:delete'],
  build: (env) => ({ scheduler: makeScheduler(env) }),
};
