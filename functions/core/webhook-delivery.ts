/**
 * Outbound webhooks, the delivery side. The outbound queue carries two kinds of message:
 * - an event as the outbox relay hands it on (the message body is the event itself; here `{ event }`):
 *   the consumer fans it out to every endpoint subscribed to its type, one POST each, in parallel;
 * - a retry of one event to one endpoint (`endpointId`, `attempt` ≥ 2), made only for the endpoints whose
 *   attempt failed, so an endpoint that answered 2xx never gets that event again from a retry.
 * A failed attempt (non-2xx, a timeout, no connection, an address refused) is retried with exponential
 * backoff until 24 h after its first attempt (one last attempt at the 24 h mark), then given up (logged,
 * counted). SQS delays a message at most 15 minutes: a longer wait carries `notBefore`, and a message
 * received early is sent again with the rest of the delay. Every attempt goes to the deliveries log.
 *
 * At least once: the same event id on every attempt; a relay that hands an event on twice, or a batch
 * that fails after some POSTs (its retry messages could not be sent), delivers it again (receivers dedupe on `id`).
 */
import { LIMITS } from '../config.ts';
import type { Clock } from './clock.ts';
import { epochSeconds } from './clock.ts';
import type { OutboundEvent } from './outbound.ts';
import { signatureHeader } from './webhook-signature.ts';
import { endpointSecret, type WebhookEndpoint, type WebhookStore } from './webhooks.ts';

export interface DeliveryMessage {
  event: OutboundEvent;
  /** A retry names its one endpoint; a first delivery has none (every subscribed endpoint). */
  endpointId?: string;
  /** The attempt this message makes (1 when absent). */
  attempt?: number;
  /** When the first attempt was made: retries stop 24 h after it. */
  firstAt?: string;
  /** Not to be attempted before (a backoff longer than SQS's 15-minute delay). */
  notBefore?: string;
}

/** What became of one POST. `address`: the URL resolved to an address deliveries may not reach. */
export type PostResult = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; reason: 'status' | 'timeout' | 'connection' | 'address' };

/** POSTs a body to a receiver (the adapter checks the address it connects to). */
export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult>;
}

/** Re-sends messages to the outbound queue after a delay (at most 900 s). */
export interface DeliveryQueue {
  send(messages: ReadonlyArray<{ body: DeliveryMessage; delaySeconds: number }>): Promise<void>;
}

export interface DeliveryDeps {
  webhooks: WebhookStore;
  signingKey: () => Promise<string>;
  webhookSender: WebhookSender;
  deliveryQueue: DeliveryQueue;
  clock: Clock;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; endpointId: string; eventId: string; attempt: number }
  | { kind: 'retrying'; endpointId: string; eventId: string; attempt: number; reason: string; statusCode: number | null; nextAt: string }
  | { kind: 'given_up'; endpointId: string; eventId: string; attempt: number; reason: string; statusCode: number | null }
  | { kind: 'deferred'; eventId: string }
  | { kind: 'dropped'; endpointId: string; eventId: string };

/** SQS's longest DelaySeconds. */
const MAX_DELAY_SECONDS = 900;

/** The wait after failed attempt `n` (1-based): 60 s doubling, at most an hour, plus up to 10% jitter. */
export function backoffSeconds(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(LIMITS.webhookRetryCapSeconds, LIMITS.webhookRetryBaseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + 0.1 * random()));
}

/**
 * Delivers a batch of messages read from the queue (the registry read once for all of them). Answers,
 * per message, what became of it; a message whose retries could not be queued throws (the caller
 * reports it as a batch item failure, so SQS brings it back).
 */
export async function deliverMessage(deps: DeliveryDeps, message: DeliveryMessage, endpoints: readonly WebhookEndpoint[]): Promise<DeliveryOutcome[]> {
  const now = deps.clock.now();
  const { event } = message;
  if (message.notBefore && Date.parse(message.notBefore) > now.getTime()) {
    const wait = Math.ceil((Date.parse(message.notBefore) - now.getTime()) / 1000);
    await deps.deliveryQueue.send([{ body: message, delaySeconds: Math.min(MAX_DELAY_SECONDS, wait) }]);
    return [{ kind: 'deferred', eventId: event.id }];
  }
  const attempt = message.attempt ?? 1;
  const firstAt = message.firstAt ?? now.toISOString();
  let targets: readonly WebhookEndpoint[];
  if (message.endpointId) {
    // A retry whose endpoint was removed (or unsubscribed from the type) since is dropped.
    const e = endpoints.find((x) => x.id === message.endpointId && x.events.includes(event.type));
    if (!e) return [{ kind: 'dropped', endpointId: message.endpointId, eventId: event.id }];
    targets = [e];
  } else {
    targets = endpoints.filter((e) => e.events.includes(event.type));
  }
  if (targets.length === 0) return [];

  const key = await deps.signingKey();
  const body = JSON.stringify(event);
  const outcomes = await Promise.all(
    targets.map(async (endpoint): Promise<DeliveryOutcome> => {
      const at = deps.clock.now();
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'ai-credits-webhooks/1',
        'webhook-id': event.id,
        'webhook-signature': signatureHeader(endpointSecret(key, endpoint.id), epochSeconds(at), body),
      };
      const r = await deps.webhookSender.post(endpoint.url, body, headers, LIMITS.webhookTimeoutSeconds * 1000);
      await deps.webhooks.logAttempt(endpoint.id, { eventId: event.id, type: event.type, statusCode: r.statusCode, attempt, at: at.toISOString() });
      if (r.ok) return { kind: 'delivered', endpointId: endpoint.id, eventId: event.id, attempt };
      const deadline = Date.parse(firstAt) + LIMITS.webhookRetryWindowSeconds * 1000;
      const after = deps.clock.now().getTime();
      if (after >= deadline) return { kind: 'given_up', endpointId: endpoint.id, eventId: event.id, attempt, reason: r.reason, statusCode: r.statusCode };
      // One last attempt at the end of the window rather than none past it.
      const nextAt = Math.min(deadline, after + backoffSeconds(attempt) * 1000);
      return { kind: 'retrying', endpointId: endpoint.id, eventId: event.id, attempt, reason: r.reason, statusCode: r.statusCode, nextAt: new Date(nextAt).toISOString() };
    }),
  );
  const retries = outcomes.flatMap((o) =>
    o.kind === 'retrying'
      ? [
          {
            body: { event, endpointId: o.endpointId, attempt: o.attempt + 1, firstAt, notBefore: o.nextAt },
            delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((Date.parse(o.nextAt) - deps.clock.now().getTime()) / 1000))),
          },
        ]
      : [],
  );
  if (retries.length) await deps.deliveryQueue.send(retries);
  return outcomes;
}
