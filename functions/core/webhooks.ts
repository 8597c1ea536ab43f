/**
 * Outbound webhooks, the registry side: the platform's endpoints (admin, platform-wide: events of every
 * account go to every endpoint that subscribed to their type) and the log of delivery attempts.
 *
 * An endpoint's signing secret is not stored anywhere: it is derived from the service's outbound signing
 * key and the endpoint's id (HMAC), so the table holds nothing that signs, the creating answer is the only
 * place it is shown, and the delivering function derives it again for each attempt. Rotating one endpoint's
 * secret is registering a new endpoint and removing the old one; rotating the key rotates them all.
 */
import { createHmac } from 'node:crypto';
import { LIMITS } from '../config.ts';
import type { Clock } from './clock.ts';
import { LimitReached, NotFound, ValidationFailed } from './errors.ts';
import { newId } from './ids.ts';
import type { OutboundEventType } from './outbound.ts';

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: OutboundEventType[];
  createdAt: string;
}

/** One attempt of one event to one endpoint, as the deliveries log lists it. */
export interface DeliveryAttempt {
  eventId: string;
  type: OutboundEventType;
  /** The receiver's HTTP status; null when none came back (timeout, connection refused, address refused). */
  statusCode: number | null;
  attempt: number;
  at: string;
}

/** The endpoint registry (one item: its count and its endpoints change in one conditional write) and the deliveries log. */
export interface WebhookStore {
  /** Adds `endpoint` when fewer than `max` are registered; false when the registry is full. */
  add(endpoint: WebhookEndpoint, max: number): Promise<boolean>;
  /** Removes it; false when there was none with that id. */
  remove(id: string): Promise<boolean>;
  /** Every registered endpoint, oldest first (consistent read). */
  list(): Promise<WebhookEndpoint[]>;
  /** Appends one attempt to the endpoint's log. */
  logAttempt(endpointId: string, attempt: DeliveryAttempt): Promise<void>;
  /** The endpoint's attempts, newest first. */
  attempts(endpointId: string, limit: number, cursor?: string): Promise<{ items: DeliveryAttempt[]; nextCursor: string | null }>;
}

/** The outbound signing key: the root every endpoint's secret is derived from. */
export type SigningKey = () => Promise<string>;

export interface WebhookDeps {
  webhooks: WebhookStore;
  signingKey: SigningKey;
  clock: Clock;
}

/** `whsec_` + 43 characters: HMAC-SHA256(signing key, endpoint id), base64url. */
export function endpointSecret(signingKey: string, endpointId: string): string {
  return `whsec_${createHmac('sha256', signingKey).update(`webhook-endpoint:${endpointId}`, 'utf8').digest('base64url')}`;
}

/** Checks a URL may receive deliveries (https, public addresses): throws a message for the 400. */
export type UrlCheck = (url: string) => Promise<void>;

/**
 * Registers an endpoint: the URL is checked first (400), then the registry's cap is taken in the same
 * write that adds it (409 LIMIT_REACHED, also under concurrent registrations). Answers its secret.
 */
export async function registerEndpoint(
  deps: WebhookDeps & { checkWebhookUrl: UrlCheck },
  input: { url: string; events: readonly OutboundEventType[] },
): Promise<WebhookEndpoint & { secret: string }> {
  try {
    await deps.checkWebhookUrl(input.url);
  } catch (err) {
    throw new ValidationFailed([{ path: 'body.url', message: (err as Error).message }], `The URL cannot receive webhooks: ${(err as Error).message}`);
  }
  const now = deps.clock.now();
  const endpoint: WebhookEndpoint = { id: newId('whe', now), url: input.url, events: [...new Set(input.events)], createdAt: now.toISOString() };
  // The secret first: a signing key that cannot be read refuses before anything is registered.
  const secret = endpointSecret(await deps.signingKey(), endpoint.id);
  if (!(await deps.webhooks.add(endpoint, LIMITS.maxWebhookEndpoints))) {
    throw new LimitReached(LIMITS.maxWebhookEndpoints, `At most ${LIMITS.maxWebhookEndpoints} webhook endpoints can be registered; remove one first.`);
  }
  return { ...endpoint, secret };
}

export async function removeEndpoint(deps: Pick<WebhookDeps, 'webhooks'>, id: string): Promise<void> {
  if (!(await deps.webhooks.remove(id))) throw new NotFound(`No webhook endpoint ${id}.`);
}

/** An endpoint's attempts, newest first. The page is read first, so a bad cursor is a 400 before a 404. */
export async function endpointDeliveries(deps: Pick<WebhookDeps, 'webhooks'>, id: string, limit: number, cursor?: string) {
  const page = await deps.webhooks.attempts(id, limit, cursor);
  if (!(await deps.webhooks.list()).some((e) => e.id === id)) throw new NotFound(`No webhook endpoint ${id}.`);
  return page;
}
