import * as z from '#zod';
import { FEATURE_IDS } from '../config.ts';
import { GenerationPage } from './shapes/generations.ts';
import { productIdParam } from './shapes/common.ts';
import { route } from './route.ts';

export default route({
  functionId: 'generations-list',
  method: 'GET',
  path: '/v1/generations',
  auth: 'jwt',
  query: z.object({
    productId: z.optional(productIdParam),
    feature: z.optional(z.enum(FEATURE_IDS)),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(400))),
  }),
  success: {
    status: 200,
    schema: GenerationPage,
    description: 'The account’s generations, newest first, of one product and/or feature when asked (unselected ones are kept for the generation TTL, 180 days by default): paid output is never lost to a reload.',
  },
  summary: 'Past generations',
  tag: 'generations',
});
