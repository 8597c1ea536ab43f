/** Request and response shapes of the bulk generation routes (docs/contract.md, "Bulk generation"). */
import * as z from '#zod';
import { LIMITS } from '../../config.ts';
import { ProductInput } from '../../core/schemas.ts';
import { text } from '../../core/requests.ts';
import { count, dateTime, page } from './common.ts';

const JOB_FEATURES = ['product_description', 'seo_meta'] as const;

export const JobRequest = z
  .strictObject({
    feature: z.enum(JOB_FEATURES),
    items: z
      .array(z.strictObject({ productId: text(1, 100), input: ProductInput }))
      .check(z.minLength(1), z.maxLength(LIMITS.jobs.maxItems))
      .clone().register(z.globalRegistry, { description: `1..${LIMITS.jobs.maxItems} items with unique productIds.` }),
    skipExisting: z.optional(z.boolean()).clone().register(z.globalRegistry, { description: 'Skip (and do not charge) items whose product already has content for this feature.' }),
    autoSelect: z.optional(z.nullable(z.union([z.literal(0), z.literal(1)]))).clone().register(z.globalRegistry, { description: 'Select this variant of each item as the product’s content (a content history version).' }),
  }).clone().register(z.globalRegistry, { id: 'GenerationJobRequest' });

export const JobCreated = z
  .object({ id: z.string().check(z.regex(/^job_/)), status: z.enum(['queued', 'running', 'completed', 'canceled']), total: count, skipped: count, creditsHeld: count })
  .clone().register(z.globalRegistry, { id: 'GenerationJobCreated' });

export const Job = z
  .object({
    id: z.string().check(z.regex(/^job_/)),
    feature: z.enum(JOB_FEATURES),
    status: z.enum(['queued', 'running', 'completed', 'canceled']),
    total: count,
    succeeded: count,
    failed: count,
    skipped: count,
    canceled: count,
    creditsCharged: count.clone().register(z.globalRegistry, { description: 'Spent on succeeded items.' }),
    creditsRefunded: count.clone().register(z.globalRegistry, { description: 'Given back for failed and canceled items.' }),
    creditsHeld: count.clone().register(z.globalRegistry, { description: 'Still held for items not finished; charged + refunded + held = what the job was charged at creation.' }),
    autoSelect: z.nullable(z.union([z.literal(0), z.literal(1)])),
    createdAt: dateTime,
    completedAt: z.nullable(dateTime),
  }).clone().register(z.globalRegistry, { id: 'GenerationJob' });
export const JobPage = page(Job, 'GenerationJobPage', 'Newest first.');

export const JobItem = z
  .object({
    index: count,
    productId: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed', 'skipped', 'canceled']),
    generationId: z.optional(z.string()),
  }).clone().register(z.globalRegistry, { id: 'GenerationJobItem' });
export const JobItemPage = page(JobItem, 'GenerationJobItemPage', 'In the order of the request.');

export const ProductSummary = z
  .object({
    productId: z.string(),
    name: z.nullable(z.string()),
    description: z.boolean(),
    seo: z.boolean(),
    image: z.boolean(),
    updatedAt: z.nullable(dateTime),
  }).clone().register(z.globalRegistry, { id: 'ProductSummary', description: 'Which content a product has stored (`GET /v1/products/{productId}/content` gives it).' });
export const ProductPage = page(ProductSummary, 'ProductPage', 'By product id.');
