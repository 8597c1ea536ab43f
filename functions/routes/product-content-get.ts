import * as z from '#zod';
import { ProductContent } from './shapes/generations.ts';
import { route } from './route.ts';

export default route({
  functionId: 'product-content-get',
  method: 'GET',
  path: '/v1/products/{productId}/content',
  auth: 'jwt',
  params: z.object({ productId: z.string().check(z.minLength(1), z.maxLength(100)) }),
  success: { status: 200, schema: ProductContent, description: 'Description, SEO meta and image chosen so far (null when none).' },
  summary: "A product's selected content",
  tag: 'products',
});
