/** Response shapes of the blog post routes (docs/contract.md). */
import * as z from '#zod';
import { dateTime, page } from './common.ts';

export const BlogPost = z
  .object({
    id: z.string(),
    title: z.string(),
    excerpt: z.string(),
    status: z.enum(['scheduled', 'published', 'canceled']),
    publishAt: dateTime,
    publishedAt: z.nullable(dateTime),
    canceledAt: z.nullable(dateTime),
    createdAt: dateTime,
    generationId: z.string(),
    index: z.int().check(z.gte(0), z.lte(1)),
    bodyMarkdown: z.optional(z.string()).clone().register(z.globalRegistry, { description: 'On the single post only.' }),
  }).clone().register(z.globalRegistry, { id: 'BlogPost' });

export const BlogPostPage = page(BlogPost, 'BlogPostPage');
