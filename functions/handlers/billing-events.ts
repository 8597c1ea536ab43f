import type { EventBridgeEvent } from 'aws-lambda';
import { handlerMetrics } from '../adapters/powertools-telemetry.ts';
import { applyBillingEvent, BillingEvent } from '../core/billing.ts';
import { log } from '../observability/log.ts';
import { compose } from '../composition/compose.ts';
import { billingStore } from '../composition/billing-store.ts';
import { creditStoreWithAutoTopUp } from '../composition/auto-top-up.ts';
import { usageStore } from '../composition/usage-store.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('billing-events', [creditStoreWithAutoTopUp, billingStore, usageStore]);
const deps = composition.deps;
import { eventHandler } from '../observability/middleware.ts';

/**
 * Target of the billing rule (AccountCreated, SubscriptionChanged, TopUpPaid, TopUpFailed). A throw makes
 * EventBridge retry and, in the end, dead-letter the event; every outcome is safe to repeat. The
 * webhook's request id rides in the detail as `correlationId`, so its log lines and these share it.
 */
export const handler = eventHandler(async (event: EventBridgeEvent<string, unknown>): Promise<{ outcome: string }> => {
  const detail = BillingEvent.safeParse(event.detail);
  if (!detail.success) {
    // The webhook validated it before publishing, so this is a bug or a foreign publisher: dead-letter it.
    log.error('billing event has an invalid detail', { eventId: event.id, detailType: event['detail-type'] });
    throw new Error(`billing event ${event.id} (${event['detail-type']}) has an invalid detail: ${detail.error.message}`);
  }
  const outcome = await applyBillingEvent(deps, detail.data).catch((err: unknown) => {
    log.error('billing event failed', { eventId: detail.data.id, type: detail.data.type, accountId: detail.data.accountId, error: errorName(err) });
    throw err;
  });
  if (detail.data.type === 'topup.paid' && outcome === 'credited') handlerMetrics.topUpPaid();
  log.info('billing event applied', { eventId: detail.data.id, type: detail.data.type, accountId: detail.data.accountId, outcome });
  return { outcome };
});

const errorName = (err: unknown) => (err instanceof Error ? { name: err.name, message: err.message } : String(err));
