import { BlogPostsQuery } from '../core/requests.ts';
import { BlogPostPage } from './shapes/blog.ts';
import { route } from './route.ts';

export default route({
  functionId: 'blog-posts-list',
  method: 'GET',
  path: '/v1/blog-posts',
  auth: 'jwt',
  query: BlogPostsQuery,
  success: { status: 200, schema: BlogPostPage, description: 'Newest first; scheduled and published posts unless `status` asks for others.' },
  summary: "The caller's blog posts",
  tag: 'blog',
});
