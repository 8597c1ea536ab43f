import { makeEventPublisher } from '../adapters/event-publisher.ts';
import type { Port } from './compose.ts';

export const events: Port<'events'> = {
  name: 'events',
  provides: ['events'],
  env: ['EVENT_BUS_NAME'],
  access: ['bus:put'],
  build: (env) => ({ events: makeEventPublisher(env) }),
};
