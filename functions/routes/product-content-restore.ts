import * as z from '#zod';
import { ContentChange } from './shapes/content-history.ts';
import { productIdParam } from './shapes/common.ts';
import { route } from './route.ts';

export default route({
  functionId: 'product-content-restore',
  method: 'POST',
  path: '/v1/products/{productId}/content/restore',
  auth: 'jwt',
  params: z.object({ productId: productIdParam }),
  body: z.strictObject({ versionId: z.string().check(z.minLength(1), z.maxLength(100)) }).clone().register(z.globalRegistry, { id: 'RestoreRequest' }),
  success: { status: 200, schema: ContentChange, description: 'The version restored, as a new version (source `restore`), now current. Free.' },
  errors: ['NOT_FOUND'],
  summary: 'Make an earlier value of a product field current again',
  tag: 'products',
});
