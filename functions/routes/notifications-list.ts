import { LIMITS } from '../config.ts';
import { pageQuery } from './shapes/common.ts';
import { NotificationPage } from './shapes/notifications.ts';
import { route } from './route.ts';

export default route({
  functionId: 'notifications-list',
  method: 'GET',
  path: '/v1/notifications',
  auth: 'jwt',
  query: pageQuery(LIMITS.notificationsPageDefault, 300),
  success: { status: 200, schema: NotificationPage, description: 'Newest first.' },
  summary: "The caller's notifications",
  tag: 'notifications',
});
