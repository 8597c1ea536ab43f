/** Response shapes of the generation, product content and upload routes (docs/contract.md). */
import * as z from '#zod';
import { FEATURE_IDS } from '../../config.ts';
import { OUTPUT_LIMITS } from '../../core/model.ts';
import { dateTime, page } from './common.ts';

const index = z.int().check(z.gte(0), z.lte(1));
const hex = z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/));

export const TextVariant = z.object({ index, text: z.string().check(z.maxLength(OUTPUT_LIMITS.descriptionMaxChars)) }).clone().register(z.globalRegistry, { id: 'TextVariant' });
export const LockedVariant = z
  .object({ index, locked: z.literal(true) }).clone().register(z.globalRegistry, { id: 'LockedVariant', description: 'Free plan teaser: shown blurred, never generated, no text.' });
export const SeoVariant = z
  .object({ index, title: z.string().check(z.maxLength(OUTPUT_LIMITS.seoTitleMaxChars)), description: z.string().check(z.maxLength(OUTPUT_LIMITS.seoDescriptionMaxChars)) }).clone().register(z.globalRegistry, { id: 'SeoVariant' });
export const ImageVariant = z
  .object({ index, imageUrl: z.url(), width: z.int(), height: z.int(), operations: z.array(z.string()) }).clone().register(z.globalRegistry, { id: 'ImageVariant' });
export const BlogVariant = z
  .object({ index, title: z.string().check(z.maxLength(OUTPUT_LIMITS.blogTitleMaxChars)), excerpt: z.string().check(z.maxLength(OUTPUT_LIMITS.blogExcerptMaxChars)), bodyMarkdown: z.string() }).clone().register(z.globalRegistry, { id: 'BlogVariant' });
export const DesignVariant = z
  .object({
    index,
    palette: z.object({ primary: hex, secondary: hex, accent: hex, background: hex, text: hex }),
    fonts: z.object({ heading: z.string(), body: z.string() }),
    sections: z.array(
      z.object({
        type: z.enum(['hero', 'featured_products', 'testimonials', 'about', 'newsletter', 'faq']),
        headline: z.string(),
        body: z.string(),
        cta: z.optional(z.string()),
      }),
    ),
  }).clone().register(z.globalRegistry, { id: 'DesignVariant' });

export const Generation = z
  .object({
    id: z.string().check(z.regex(/^gen_/)),
    feature: z.enum(FEATURE_IDS),
    productId: z.nullable(z.string()),
    variants: z.array(z.union([TextVariant, LockedVariant, SeoVariant, ImageVariant, BlogVariant, DesignVariant])),
    selectedIndex: z.nullable(index),
    regeneratedFrom: z.nullable(z.string()),
    jobId: z.optional(z.string().check(z.regex(/^job_/))).clone().register(z.globalRegistry, { description: 'The bulk generation job this generation is an item of.' }),
    creditsCharged: z.int().check(z.gte(0)),
    credits: z.object({ available: z.int().check(z.gte(0)) }),
    createdAt: dateTime,
    model: z
      .object({ id: z.string(), calls: z.int().check(z.gte(0)), usage: z.nullable(z.object({ inputTokens: z.int(), outputTokens: z.int() })) }).clone().register(z.globalRegistry, { description: 'Which model answered, in how many calls, and the tokens it reported (null offline).' }),
  }).clone().register(z.globalRegistry, { id: 'Generation' });

export const ProductContent = z
  .object({
    productId: z.string(),
    description: z.nullable(z.string()),
    seo: z.nullable(z.object({ title: z.string(), description: z.string() })),
    image: z.nullable(z
      .object({
        imageUrl: z.nullable(z.url()).clone().register(z.globalRegistry, { description: 'Short-lived presigned GET, made anew on every read.' }),
        width: z.int(),
        height: z.int(),
        generationId: z.string(),
      })),
    updatedAt: z.nullable(dateTime),
  }).clone().register(z.globalRegistry, { id: 'ProductContent' });

export const Upload = z
  .object({ uploadId: z.string(), uploadUrl: z.url().clone().register(z.globalRegistry, { description: 'PUT the file here (S3 presigned URL).' }), expiresAt: dateTime }).clone().register(z.globalRegistry, { id: 'Upload' });

export const GenerationSummary = z
  .object({
    id: z.string(),
    feature: z.enum(FEATURE_IDS),
    productId: z.nullable(z.string()),
    selectedIndex: z.nullable(z.int()),
    regeneratedFrom: z.nullable(z.string()),
    creditsCharged: z.int().check(z.gte(0)),
    createdAt: dateTime,
  }).clone().register(z.globalRegistry, { id: 'GenerationSummary', description: '`GET /v1/generations/{id}` gives its variants.' });
export const GenerationPage = page(GenerationSummary, 'GenerationPage', 'Newest first.');
