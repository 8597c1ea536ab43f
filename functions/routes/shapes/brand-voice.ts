/** Response shape of the brand voice routes (docs/contract.md, Brand voice and languages). */
import * as z from '#zod';
import { Language, Tone } from '../../core/schemas.ts';
import { dateTime } from './common.ts';

export const BrandVoiceShape = z
  .object({
    tone: Tone,
    audience: z.nullable(z.string()),
    avoidWords: z.array(z.string()),
    alwaysMention: z.array(z.string()),
    language: Language,
    updatedAt: z.nullable(dateTime),
  })
  .clone()
  .register(z.globalRegistry, {
    id: 'BrandVoice',
    description:
      'Applied to every text generation (product_description, seo_meta, blog_post; website_design takes its audience, words and phrases) unless the request sets its own `input.tone` / `input.language`. Never set: tone `neutral`, language `en`, audience null, no words or phrases, `updatedAt` null.',
  });
