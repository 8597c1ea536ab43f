import * as z from '#zod';
import { LIMITS } from '../config.ts';
import { text } from '../core/requests.ts';
import { ContentChange } from './shapes/content-history.ts';
import { productIdParam } from './shapes/common.ts';
import { route } from './route.ts';

const ManualEdit = z
  .strictObject({
    description: z.optional(text(1, LIMITS.manualDescriptionMaxChars)),
    seo: z.optional(z.strictObject({ title: text(1, 60), description: text(1, 160) })),
  })
  .check(z.refine((b) => b.description !== undefined || b.seo !== undefined, { message: 'give description, seo or both', path: ['description'] }));

export default route({
  functionId: 'product-content-put',
  method: 'PUT',
  path: '/v1/products/{productId}/content',
  auth: 'jwt',
  params: z.object({ productId: productIdParam }),
  body: ManualEdit.clone().register(z.globalRegistry, {
    id: 'ManualEdit',
    description: `A manual edit, free: \`description\` 1–${LIMITS.manualDescriptionMaxChars} characters, \`seo\` a title of 1–60 and a description of 1–160. Each field given becomes a version.`,
  }),
  success: { status: 200, schema: ContentChange, description: 'The versions written.' },
  summary: "Edit a product's description or SEO by hand",
  tag: 'products',
});
