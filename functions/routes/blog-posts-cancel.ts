import { IdParams } from './shapes/common.ts';
import { BlogPost } from './shapes/blog.ts';
import { route } from './route.ts';

export default route({
  functionId: 'blog-posts-cancel',
  method: 'DELETE',
  path: '/v1/blog-posts/{id}',
  auth: 'jwt',
  params: IdParams,
  success: { status: 200, schema: BlogPost, description: 'The canceled post (a published one answers 409 `ALREADY_PUBLISHED`).' },
  errors: ['NOT_FOUND', 'ALREADY_PUBLISHED'],
  summary: 'Cancel a scheduled post',
  tag: 'blog',
});
