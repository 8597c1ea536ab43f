/**
 * The `EventPublisher` port: EventBridge PutEvents in AWS, the local stack's in-process bus when
 * `LOCAL_STACK=1`. Both publish on source `ai-credits.billing` with the wiring's detail-types, so the
 * same rules route them.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Env } from '../env.ts';
import type { BillingEvent, BillingEventType, EventPublisher } from '../core/billing.ts';
import type { OutboundEvent } from '../core/outbound.ts';
import { ServiceUnavailable } from '../core/errors.ts';
import { correlationId, log } from '../observability/log.ts';
import { traced } from '../observability/tracer.ts';
import { recordCall } from './aws-calls.ts';
import { roleCredentials } from './aws-credentials.ts';
import { DETAIL_TYPES, EVENT_SOURCE } from '../resources.ts';
import { localBus } from './local-bus.ts';

export const DETAIL_TYPE_OF: Record<BillingEventType, string> = {
  'account.created': DETAIL_TYPES.accountCreated,
  'subscription.updated': DETAIL_TYPES.subscriptionChanged,
  'subscription.canceled': DETAIL_TYPES.subscriptionChanged,
  'topup.paid': DETAIL_TYPES.topUpPaid,
  'topup.failed': DETAIL_TYPES.topUpFailed,
};

/**
 * The detail carries the publishing request's correlation id, so the billing handler's log lines
 * share it (the handler's schema ignores the extra field).
 */
function withCorrelation(event: BillingEvent): BillingEvent & { correlationId?: string } {
  const id = correlationId();
  return id ? { ...event, correlationId: id } : event;
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  publish(event: BillingEvent): Promise<void> {
    return this.put(event.id, DETAIL_TYPE_OF[event.type], withCorrelation(event));
  }

  publishTopUpRequested(event: OutboundEvent): Promise<void> {
    return this.put(event.id, DETAIL_TYPES.topUpRequested, event);
  }

  private async put(eventId: string, detailType: string, detail: object): Promise<void> {
    let r;
    recordCall('events:PutEvents', 'bus');
    try {
      r = await this.client.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: this.busName, Source: EVENT_SOURCE, DetailType: detailType, Detail: JSON.stringify(detail) }],
        }),
      );
    } catch (err) {
      log.error('PutEvents failed', { eventId, error: String(err) });
      throw new ServiceUnavailable();
    }
    // PutEvents answers 200 even when entries were refused: the count is the only signal.
    if (r.FailedEntryCount) {
      const failed = r.Entries?.find((e) => e.ErrorCode);
      log.error('PutEvents refused the entry', { eventId, errorCode: failed?.ErrorCode, errorMessage: failed?.ErrorMessage });
      throw new ServiceUnavailable();
    }
  }
}

export class LocalBusPublisher implements EventPublisher {
  async publish(event: BillingEvent): Promise<void> {
    recordCall('events:PutEvents', 'bus');
    await localBus().publish([{ source: EVENT_SOURCE, detailType: DETAIL_TYPE_OF[event.type], detail: withCorrelation(event) }]);
  }

  async publishTopUpRequested(event: OutboundEvent): Promise<void> {
    recordCall('events:PutEvents', 'bus');
    await localBus().publish([{ source: EVENT_SOURCE, detailType: DETAIL_TYPES.topUpRequested, detail: event }]);
  }
}

export function makeEventPublisher(env: Pick<Env, 'LOCAL_STACK' | 'AWS_REGION' | 'EVENT_BUS_NAME'>): EventPublisher {
  if (env.LOCAL_STACK === '1') return new LocalBusPublisher();
  return new EventBridgePublisher(traced(new EventBridgeClient({ region: env.AWS_REGION, credentials: roleCredentials })), env.EVENT_BUS_NAME);
}
