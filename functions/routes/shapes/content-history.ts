/** Response shapes of the content history routes (docs/contract.md). */
import * as z from '#zod';
import { dateTime } from './common.ts';

const Seo = z.object({ title: z.string(), description: z.string() });

export const ContentVersion = z
  .object({
    versionId: z.string().check(z.regex(/^ver_/)),
    field: z.enum(['description', 'seo', 'image']),
    value: z.union([z.string(), Seo, z.object({ width: z.int(), height: z.int(), generationId: z.string() })]).clone().register(z.globalRegistry, {
      description: 'The description text, the SEO title and description, or the enhanced image (its size and generation; `GET …/content` presigns the current one).',
    }),
    source: z.enum(['generation', 'manual', 'restore']),
    generationId: z.optional(z.string()),
    createdAt: dateTime,
  }).clone().register(z.globalRegistry, { id: 'ContentVersion' });

export const ContentHistory = z
  .object({ items: z.array(ContentVersion), nextCursor: z.nullable(z.string()) }).clone().register(z.globalRegistry, { id: 'ContentHistory', description: 'Newest first.' });

export const ContentChange = z
  .object({ productId: z.string(), versions: z.array(ContentVersion) }).clone().register(z.globalRegistry, { id: 'ContentChange', description: 'The versions the change wrote, now current.' });
