import * as z from '#zod';
import { LIMITS } from '../config.ts';
import { BlogPostRequest } from '../core/requests.ts';
import { BlogPost } from './shapes/blog.ts';
import { route } from './route.ts';

export default route({
  functionId: 'blog-posts-create',
  method: 'POST',
  path: '/v1/blog-posts',
  auth: 'jwt',
  idempotent: true,
  body: BlogPostRequest.clone().register(z.globalRegistry, { id: 'BlogPostRequest' }),
  success: {
    status: 201,
    schema: BlogPost,
    description: `The scheduled post. A draft that already has a scheduled post answers 409 \`CONFLICT\`; past ${LIMITS.maxScheduledPosts} scheduled posts, 409 \`LIMIT_REACHED\`.`,
  },
  errors: ['PLAN_UPGRADE_REQUIRED', 'NOT_FOUND', 'CONFLICT', 'LIMIT_REACHED', 'SERVICE_UNAVAILABLE'],
  summary: 'Schedule a generated blog post',
  tag: 'blog',
});
