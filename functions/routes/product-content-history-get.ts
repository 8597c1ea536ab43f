import * as z from '#zod';
import { ContentHistory } from './shapes/content-history.ts';
import { productIdParam } from './shapes/common.ts';
import { route } from './route.ts';

export default route({
  functionId: 'product-content-history-get',
  method: 'GET',
  path: '/v1/products/{productId}/content/history',
  auth: 'jwt',
  params: z.object({ productId: productIdParam }),
  query: z.object({
    field: z.enum(['description', 'seo', 'image']),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(50)), 20),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(600))),
  }),
  success: { status: 200, schema: ContentHistory, description: 'Every value the field had (select, manual edit, restore), newest first; at most 50 kept per field.' },
  summary: "A product field's history",
  tag: 'products',
});
