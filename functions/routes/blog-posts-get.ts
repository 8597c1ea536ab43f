import { IdParams } from './shapes/common.ts';
import { BlogPost } from './shapes/blog.ts';
import { route } from './route.ts';

export default route({
  functionId: 'blog-posts-get',
  method: 'GET',
  path: '/v1/blog-posts/{id}',
  auth: 'jwt',
  params: IdParams,
  success: { status: 200, schema: BlogPost, description: 'The post, with its markdown.' },
  errors: ['NOT_FOUND'],
  summary: 'A blog post with its markdown',
  tag: 'blog',
});
