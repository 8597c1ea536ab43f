/** Response shapes of the blog post routes (docs/contract.md). */
import * as z from 'zod';
import { dateTime, page } from './common.ts';

export const BlogPost = z
  .object({
    id: z.string(),
    title: z.string(),
    excerpt: z.string().optional(),
    status: z.enum(['scheduled', 'published', 'canceled']),
    publishAt: dateTime,
    publishedAt: dateTime.optional(),
    canceledAt: dateTime.optional(),
    createdAt: dateTime.optional(),
    generationId: z.string().optional(),
    index: z.int().min(0).max(1).optional(),
    bodyMarkdown: z.string().optional().meta({ description: 'On the single post only.' }),
  })
  .meta({ id: 'BlogPost' });

export const BlogPostPage = page(BlogPost, 'BlogPostPage');
