import { DynamoBlogStore } from '../adapters/dynamo-blog-store.ts';
import { tablePort } from './dynamo.ts';

export const blogStore = tablePort('blog-store', ['blogPosts'], (doc, table) => ({ blogPosts: new DynamoBlogStore(doc, table) }));
