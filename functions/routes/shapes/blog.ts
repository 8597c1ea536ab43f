/** Response shapes of the blog post routes (docs/contract.md). */
import * as z from 'zod';
import { dateTime, page } from './common.ts';

export const BlogPost = z
  .object({
    id: z.string(),
    title: z.string(),
    excerpt: z.string(),
    status: z.enum(['scheduled', 'published', 'canceled']),
    publishAt: dateTime,
    publishedAt: dateTime.nullable(),
    canceledAt: dateTime.nullable(),
    createdAt: dateTime,
    generationId: z.string(),
    index: z.int().min(0).max(1),
    bodyMarkdown: z.string().optional().meta({ description: 'On the single post only.' }),
  })
  .meta({ id: 'BlogPost' });

export const BlogPostPage = page(BlogPost, 'BlogPostPage');
