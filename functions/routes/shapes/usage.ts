/** Response shapes of the usage routes (docs/contract.md). */
import * as z from '#zod';
import { FEATURE_IDS, PLAN_IDS } from '../../config.ts';
import { count, dateTime } from './common.ts';

const UsageCounts = {
  generations: count.clone().register(z.globalRegistry, { description: 'Generations charged in the range and not refunded (a failed one is refunded whole).' }),
  creditsCharged: count,
  creditsRefunded: count,
};

export const Usage = z
  .object({
    from: dateTime,
    to: dateTime.clone().register(z.globalRegistry, { description: 'Exclusive.' }),
    groupBy: z.enum(['feature', 'day', 'product']),
    items: z.array(
      z.object({
        key: z.nullable(z.string()).clone().register(z.globalRegistry, { description: 'A feature id, a UTC day (YYYY-MM-DD, oldest first) or a product id (null: no product, e.g. blog posts).' }),
        ...UsageCounts,
      }),
    ),
    totals: z.object(UsageCounts),
  }).clone().register(z.globalRegistry, {
    id: 'Usage',
    description: 'From the ledger: the totals agree with the ledger over the same range (charges are negative entries, refunds positive).',
  });

const usdAmount = z.number().check(z.gte(0));
const Figures = {
  generations: count,
  failures: count.clone().register(z.globalRegistry, { description: 'Generations that failed after the charge (refunded).' }),
  creditsCharged: count,
  creditsRefunded: count,
  inputTokens: count,
  outputTokens: count,
  modelCostUsd: usdAmount.clone().register(z.globalRegistry, { description: 'Estimated at the model prices of the configuration module.' }),
};
const PlanFigures = {
  ...Figures,
  topUps: z.object({ count, credits: count, revenueUsd: usdAmount }),
  subscribers: count.clone().register(z.globalRegistry, { description: 'Accounts on the plan now.' }),
  subscriptionRevenueUsd: usdAmount.clone().register(z.globalRegistry, { description: 'The plan’s monthly list price × subscribers × the range in months (an estimate: the service does not bill subscriptions).' }),
  marginUsd: z.number().clone().register(z.globalRegistry, { description: 'Subscription and top-up revenue less the model cost.' }),
};

export const OperatorUsage = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    features: z.array(z.object({ feature: z.enum(FEATURE_IDS), ...Figures })),
    plans: z.array(z.object({ plan: z.enum(PLAN_IDS), ...PlanFigures })),
    totals: z.object(PlanFigures),
  }).clone().register(z.globalRegistry, {
    id: 'OperatorUsage',
    description: 'What the AI cost against what the service sold, by UTC day (`to` inclusive). Counted as generations end and top-ups are paid; the ledger remains the record of every credit.',
  });
