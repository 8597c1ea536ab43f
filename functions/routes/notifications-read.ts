import { IdParams } from './shapes/common.ts';
import { Notification } from './shapes/notifications.ts';
import { route } from './route.ts';

export default route({
  functionId: 'notifications-read',
  method: 'POST',
  path: '/v1/notifications/{id}/read',
  auth: 'jwt',
  params: IdParams,
  success: { status: 200, schema: Notification, description: 'The notification, `readAt` set (the first mark wins).' },
  errors: ['NOT_FOUND'],
  summary: 'Mark a notification read',
  tag: 'notifications',
});
