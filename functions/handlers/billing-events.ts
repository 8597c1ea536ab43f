import type { EventBridgeEvent } from 'aws-lambda';
import { applyBillingEvent, BillingEvent } from '../core/billing.ts';
import { log } from '../http/log.ts';
import { compose } from '../composition/compose.ts';
import { billingStore } from '../composition/billing-store.ts';
import { creditStore } from '../composition/credit-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('billing-events', [creditStore, billingStore]);
const deps = composition.deps;

/**
 * Target of the billing rule (AccountCreated, SubscriptionChanged, TopUpPaid, TopUpFailed). A throw makes
 * EventBridge retry and, in the end, dead-letter the event; every outcome is safe to repeat.
 */
export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<{ outcome: string }> => {
  const detail = BillingEvent.safeParse(event.detail);
  if (!detail.success) {
    // The webhook validated it before publishing, so this is a bug or a foreign publisher: dead-letter it.
    throw new Error(`billing event ${event.id} (${event['detail-type']}) has an invalid detail: ${detail.error.message}`);
  }
  const outcome = await applyBillingEvent(deps, detail.data);
  log.info('billing event applied', { eventId: detail.data.id, type: detail.data.type, accountId: detail.data.accountId, outcome });
  return { outcome };
};
