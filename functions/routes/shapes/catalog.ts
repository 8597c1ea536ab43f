/** Response shape of the catalog route (docs/contract.md). */
import * as z from '#zod';
import { FEATURE_IDS, PLAN_IDS } from '../../config.ts';
import { catalogView } from '../../core/catalog.ts';
import { count } from './common.ts';
import { Price, TopUpPack } from './packs.ts';

export const Catalog = z
  .object({
    plans: z.array(
      z.object({
        id: z.enum(PLAN_IDS),
        label: z.string(),
        monthlyAllowance: count,
        monthlyPrice: Price,
        capabilities: z.object({ topUp: z.boolean(), allVariants: z.boolean() }),
        features: z.array(z.enum(FEATURE_IDS)),
      }),
    ),
    features: z.array(
      z.object({
        id: z.enum(FEATURE_IDS),
        label: z.string(),
        shortLabel: z.string(),
        cost: z.int().check(z.gte(1)),
        variants: z.int().check(z.gte(1)),
        freeVariants: count,
        requiresProduct: z.boolean(),
        plans: z.array(z.enum(PLAN_IDS)),
      }),
    ),
    packs: z.array(TopUpPack),
    limits: z.object({
      seo: z.object({ titleMaxChars: z.int().check(z.gte(1)), descriptionMaxChars: z.int().check(z.gte(1)) }),
      upload: z.object({ contentTypes: z.array(z.string()), maxBytes: z.int().check(z.gte(1)) }),
      ledgerPage: z.object({ default: z.int().check(z.gte(1)), max: z.int().check(z.gte(1)) }),
      productInput: z.object({
        nameMaxChars: z.int().check(z.gte(1)),
        categoryMaxChars: z.int().check(z.gte(1)),
        listMaxItems: z.int().check(z.gte(1)),
        listItemMaxChars: z.int().check(z.gte(1)),
        notesMaxChars: z.int().check(z.gte(1)),
      }),
    }),
  }).clone().register(z.globalRegistry, { id: 'Catalog', example: catalogView() });
