import { DynamoBlogStore } from '../adapters/dynamo-blog-store.ts';
import type { Port } from './compose.ts';
import { dynamo } from './dynamo.ts';

export const blogStore: Port<'blogPosts'> = {
  name: 'blog-store',
  provides: ['blogPosts'],
  env: ['TABLE_NAME'],
  access: ['table:read', 'table:write'],
  needs: [dynamo],
  build: (env, deps) => ({ blogPosts: new DynamoBlogStore(deps.dynamo.doc, env.TABLE_NAME) }),
};
