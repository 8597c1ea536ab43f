/** Response shapes of the credits, ledger, top-up and catalog routes (docs/contract.md). */
import * as z from '#zod';
import { FEATURE_IDS, PLAN_IDS, TOP_UP_PACKS } from '../../config.ts';
import { catalogView } from '../../core/catalog.ts';
import { dateTime, page } from './common.ts';

const count = z.int().check(z.gte(0));

export const Credits = z
  .object({
    accountId: z.string(),
    plan: z.enum(PLAN_IDS),
    credits: z.object({ available: count, allowance: count, allowanceRemaining: count, purchased: count }),
    period: z.object({ start: dateTime, end: dateTime }),
    topUpAvailable: z.boolean().clone().register(z.globalRegistry, { description: 'True exactly for plans that may top up (the Top Up button).' }),
    rateLimit: z.object({ limit: z.int(), remaining: count, windowResetAt: z.nullable(dateTime), cooldownUntil: z.nullable(dateTime) }),
  }).clone().register(z.globalRegistry, {
    id: 'Credits',
    example: {
      accountId: 'acct_1',
      plan: 'free',
      credits: { available: 25, allowance: 25, allowanceRemaining: 25, purchased: 0 },
      period: { start: '2026-11-25T00:00:00.000Z', end: '2026-12-25T00:00:00.000Z' },
      topUpAvailable: false,
      rateLimit: { limit: 10, remaining: 10, windowResetAt: null, cooldownUntil: null },
    },
  });

export const AdjustmentResult = z.extend(Credits, { adjustment: z.object({ amount: z.int(), reason: z.string() }) }).clone().register(z.globalRegistry, { id: 'AdjustmentResult' });

export const LedgerEntry = z
  .object({
    id: z.string(),
    at: dateTime,
    type: z.enum(['grant', 'reset', 'refresh', 'charge', 'refund', 'top_up', 'adjust']),
    amount: z.int().clone().register(z.globalRegistry, { description: 'Signed: a charge is negative.' }),
    bucket: z.enum(['allowance', 'purchased']),
    balanceAfter: count,
    feature: z.optional(z.enum(FEATURE_IDS)),
    generationId: z.optional(z.string()),
    productId: z.optional(z.string()),
    topUpId: z.optional(z.string()),
    reason: z.optional(z.string()),
  }).clone().register(z.globalRegistry, { id: 'LedgerEntry' });

export const LedgerPage = page(LedgerEntry, 'LedgerPage', 'Newest first. The sum of `amount` over the ledger equals `available`.');

const Price = z.object({ amount: z.string().check(z.regex(/^\d+\.\d{2}$/)), currency: z.enum(['USD']) });

export const TopUpPack = z.object({ id: z.string(), credits: z.int().check(z.gte(1)), price: Price }).clone().register(z.globalRegistry, { id: 'TopUpPack' });
export const TopUpPacks = z.object({ items: z.array(TopUpPack) }).clone().register(z.globalRegistry, { id: 'TopUpPacks', example: { items: TOP_UP_PACKS } });

export const TopUp = z
  .object({
    id: z.string().check(z.regex(/^tu_/)),
    packId: z.string(),
    credits: z.int().check(z.gte(1)),
    price: Price,
    status: z.enum(['pending', 'paid', 'failed']),
    checkoutUrl: z.url(),
    createdAt: dateTime,
    paidAt: z.optional(dateTime),
    failedAt: z.optional(dateTime),
  }).clone().register(z.globalRegistry, { id: 'TopUp' });
export const TopUpPage = page(TopUp, 'TopUpPage');

export const Catalog = z
  .object({
    plans: z.array(
      z.object({
        id: z.enum(PLAN_IDS),
        label: z.string(),
        monthlyAllowance: count,
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
    }),
  }).clone().register(z.globalRegistry, { id: 'Catalog', example: catalogView() });
