/** Response shapes of the credits, ledger, top-up and catalog routes (docs/contract.md). */
import * as z from '#zod';
import { FEATURE_IDS, PLAN_IDS, TOP_UP_PACKS } from '../../config.ts';
import { catalogView } from '../../core/catalog.ts';
import { dateTime, page } from './common.ts';

const count = z.int().check(z.gte(0));

const BUCKETS = ['allowance', 'purchased', 'grant'] as const;

export const CreditAmounts = z.object({
  available: count,
  allowance: count,
  allowanceRemaining: count,
  purchased: count.clone().register(z.globalRegistry, { description: 'Top-ups (with or without an expiry) and admin adjustments.' }),
  grants: count.clone().register(z.globalRegistry, { description: 'What unexpired grants still hold; `available` includes it.' }),
});

export const CreditSource = z
  .object({
    bucket: z.enum(BUCKETS),
    id: z.optional(z.string()),
    remaining: count,
    expiresAt: z.nullable(dateTime),
    category: z.optional(z.enum(['promotional', 'compensation'])),
  }).clone().register(z.globalRegistry, {
    id: 'CreditSource',
    description: 'One source of credits: the allowance (it ends with the period), a grant, a top-up that expires, or the non-expiring purchased credits.',
  });

export const Credits = z
  .object({
    accountId: z.string(),
    plan: z.enum(PLAN_IDS),
    credits: CreditAmounts,
    sources: z.array(CreditSource).clone().register(z.globalRegistry, {
      description: 'Where the next charges come from, in burn-down order: the allowance, then sources with an expiry (soonest first), then those without. Empty sources are left out.',
    }),
    period: z.object({ start: dateTime, end: dateTime }),
    topUpAvailable: z.boolean().clone().register(z.globalRegistry, { description: 'True exactly for plans that may top up (the Top Up button).' }),
    rateLimit: z.object({ limit: z.int(), remaining: count, windowResetAt: z.nullable(dateTime), cooldownUntil: z.nullable(dateTime) }),
  }).clone().register(z.globalRegistry, {
    id: 'Credits',
    example: {
      accountId: 'acct_1',
      plan: 'free',
      credits: { available: 35, allowance: 25, allowanceRemaining: 25, purchased: 0, grants: 10 },
      sources: [
        { bucket: 'allowance', remaining: 25, expiresAt: '2026-12-25T00:00:00.000Z' },
        { bucket: 'grant', id: 'grt_01JF3Z8Q2W6X4K9M7N5P3R1T0V', remaining: 10, expiresAt: '2027-01-31T00:00:00.000Z', category: 'promotional' },
      ],
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
    type: z.enum(['grant', 'reset', 'refresh', 'charge', 'refund', 'top_up', 'adjust', 'expire']),
    amount: z.int().clone().register(z.globalRegistry, { description: 'Signed: a charge is negative.' }),
    bucket: z.enum(BUCKETS).clone().register(z.globalRegistry, { description: 'The bucket the entry moved (a charge or refund: its first source; `sources` lists them all).' }),
    balanceAfter: count,
    feature: z.optional(z.enum(FEATURE_IDS)),
    generationId: z.optional(z.string()),
    productId: z.optional(z.string()),
    topUpId: z.optional(z.string()),
    grantId: z.optional(z.string()),
    reason: z.optional(z.string()),
    sources: z.optional(
      z.array(z.object({ bucket: z.enum(BUCKETS), id: z.optional(z.string()), amount: z.int() })).clone().register(z.globalRegistry, {
        description: 'A charge or refund: what it took from (gave back to) each source, in burn-down order; the amounts sum to `amount`. A part a refund could not give back is listed with 0 and the reason says why.',
      }),
    ),
  }).clone().register(z.globalRegistry, { id: 'LedgerEntry' });

export const Grant = z
  .object({
    id: z.string().check(z.regex(/^grt_/)),
    amount: z.int().check(z.gte(1)),
    remaining: count,
    category: z.enum(['promotional', 'compensation']),
    expiresAt: z.nullable(dateTime),
    createdAt: dateTime,
  }).clone().register(z.globalRegistry, { id: 'Grant' });

export const PlanPreview = z
  .object({
    plan: z.enum(PLAN_IDS),
    current: CreditAmounts,
    after: CreditAmounts,
    difference: z.int().clone().register(z.globalRegistry, { description: '`after.available - current.available`: 0 for the current plan.' }),
    period: z.object({ start: dateTime, end: dateTime }),
  }).clone().register(z.globalRegistry, {
    id: 'PlanPreview',
    description: 'What changing to `plan` now would leave (the allowance is reset to the plan’s amount; purchased credits and grants stay; the period does not move). Nothing is changed.',
  });

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
