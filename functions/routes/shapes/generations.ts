/** Response shapes of the generation, product content and upload routes (docs/contract.md). */
import * as z from 'zod';
import { FEATURE_IDS } from '../../config.ts';
import { OUTPUT_LIMITS } from '../../core/model.ts';
import { dateTime } from './common.ts';

const index = z.int().min(0).max(1);
const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/);

export const TextVariant = z.object({ index, text: z.string().max(OUTPUT_LIMITS.descriptionMaxChars) }).meta({ id: 'TextVariant' });
export const LockedVariant = z
  .object({ index, locked: z.literal(true) })
  .meta({ id: 'LockedVariant', description: 'Free plan teaser: shown blurred, never generated, no text.' });
export const SeoVariant = z
  .object({ index, title: z.string().max(OUTPUT_LIMITS.seoTitleMaxChars), description: z.string().max(OUTPUT_LIMITS.seoDescriptionMaxChars) })
  .meta({ id: 'SeoVariant' });
export const ImageVariant = z
  .object({ index, imageUrl: z.url(), width: z.int(), height: z.int(), operations: z.array(z.string()) })
  .meta({ id: 'ImageVariant' });
export const BlogVariant = z
  .object({ index, title: z.string().max(OUTPUT_LIMITS.blogTitleMaxChars), excerpt: z.string().max(OUTPUT_LIMITS.blogExcerptMaxChars), bodyMarkdown: z.string() })
  .meta({ id: 'BlogVariant' });
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
        cta: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'DesignVariant' });

export const Generation = z
  .object({
    id: z.string().regex(/^gen_/),
    feature: z.enum(FEATURE_IDS),
    productId: z.string().nullable(),
    variants: z.array(z.union([TextVariant, LockedVariant, SeoVariant, ImageVariant, BlogVariant, DesignVariant])),
    selectedIndex: index.nullable(),
    regeneratedFrom: z.string().nullable(),
    creditsCharged: z.int().min(0),
    credits: z.object({ available: z.int().min(0) }),
    createdAt: dateTime,
    model: z
      .object({ id: z.string(), calls: z.int().min(0), usage: z.object({ inputTokens: z.int(), outputTokens: z.int() }).nullable() })
      .meta({ description: 'Which model answered, in how many calls, and the tokens it reported (null offline).' }),
  })
  .meta({ id: 'Generation' });

export const ProductContent = z
  .object({
    productId: z.string(),
    description: z.string().nullable(),
    seo: z.object({ title: z.string(), description: z.string() }).nullable(),
    image: z
      .object({
        imageUrl: z.url().nullable().meta({ description: 'Short-lived presigned GET, made anew on every read.' }),
        width: z.int(),
        height: z.int(),
        generationId: z.string(),
      })
      .nullable(),
    updatedAt: dateTime.nullable(),
  })
  .meta({ id: 'ProductContent' });

export const Upload = z
  .object({ uploadId: z.string(), uploadUrl: z.url().meta({ description: 'PUT the file here (S3 presigned URL).' }), expiresAt: dateTime })
  .meta({ id: 'Upload' });
