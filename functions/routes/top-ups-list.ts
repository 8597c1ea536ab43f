import { TopUpPage } from './shapes/top-ups.ts';
import { pageQuery } from './shapes/common.ts';
import { route } from './route.ts';

export default route({
  functionId: 'top-ups-list',
  method: 'GET',
  path: '/v1/credits/top-ups',
  auth: 'jwt',
  query: pageQuery(50, 400),
  success: { status: 200, schema: TopUpPage, description: 'A page of top-ups, newest first.' },
  summary: "The caller's top-ups",
  tag: 'top-ups',
});
