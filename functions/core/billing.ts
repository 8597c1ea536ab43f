/**
 * The billing system's side of the account lifecycle: its signed webhooks are verified and validated
 * here, published to the event bus, and applied by the bus handler (plan changes, provisioning, top-ups).
 * Receiving and applying are split so the webhook answers fast and the bus retries what failed.
 */
import * as z from '#zod';
import { LIMITS, PLAN_IDS, type PlanId } from '../config.ts';
import { autoTopUpOnPlanChange } from './auto-top-up.ts';
import { epochSeconds, type Clock } from './clock.ts';
import { applyPlan, provisionAccount } from './credits.ts';
import { afterChange, type RelayDeps } from './outbox.ts';
import { ValidationFailed } from './errors.ts';
import { accountIdParam } from './requests.ts';
import { topUpFailed, topUpPaid, type SettleOutcome, type TopUpDeps } from './top-ups.ts';
import { verify } from './webhook-signature.ts';
import type { OutboundEvent } from './outbound.ts';

/** `createdAt` is compared as a string against the last applied one, so it is normalised to one ISO form. */
const Instant = z.pipe(z.iso.datetime({ offset: true }), z.transform((s) => new Date(s).toISOString()));
const EventId = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const TopUpId = z.string().check(z.trim(), z.minLength(1), z.maxLength(100), z.regex(/^[A-Za-z0-9_\-]+$/, 'letters, digits, _ and - only'));

/** What every event must have to be acknowledged at all, known type or not. */
export const WebhookEnvelope = z.object({ id: EventId, type: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)), createdAt: Instant, data: z.optional(z.unknown()) });

// Known types: extra fields are tolerated (a billing system adds fields over time), missing or wrong ones are not.
export const WEBHOOK_DATA = {
  'account.created': z.object({ accountId: accountIdParam }),
  'subscription.updated': z.object({ accountId: accountIdParam, plan: z.enum(PLAN_IDS) }),
  'subscription.canceled': z.object({ accountId: accountIdParam, plan: z.optional(z.enum(PLAN_IDS)) }),
  'topup.paid': z.object({ accountId: accountIdParam, topUpId: TopUpId }),
  'topup.failed': z.object({ accountId: accountIdParam, topUpId: TopUpId }),
} as const;
export type BillingEventType = keyof typeof WEBHOOK_DATA;
export const BILLING_EVENT_TYPES = Object.keys(WEBHOOK_DATA) as BillingEventType[];

const base = { id: EventId, createdAt: Instant, accountId: accountIdParam };
/** The event as published on the bus (the `detail`): flat, validated, with the plan resolved. */
export const BillingEvent = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('account.created') }),
  z.object({ ...base, type: z.enum(['subscription.updated', 'subscription.canceled']), plan: z.enum(PLAN_IDS) }),
  z.object({ ...base, type: z.enum(['topup.paid', 'topup.failed']), topUpId: TopUpId }),
]);
export type BillingEvent = z.infer<typeof BillingEvent>;

/** Publishes billing events to the bus (EventBridge in AWS, the in-process bus locally). */
export interface EventPublisher {
  /** Resolves once the bus has accepted the event; throws otherwise (the webhook then answers 503). */
  publish(event: BillingEvent): Promise<void>;
  /** A `topup.requested` outbound event, as detail-type `TopUpRequested` (the outbox relay sends it). */
  publishTopUpRequested(event: OutboundEvent): Promise<void>;
}

const issuesOf = (err: z.core.$ZodError, prefix: string) =>
  err.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: i.message }));

/** A well-formed event of a known type, `null` for a well-formed one of an unknown type; else 400. */
export function parseWebhookBody(rawBody: string): BillingEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new ValidationFailed([{ path: '(body)', message: 'The body is not valid JSON.' }], 'Malformed JSON body.');
  }
  const envelope = WebhookEnvelope.safeParse(json);
  if (!envelope.success) throw new ValidationFailed(issuesOf(envelope.error, ''), 'The webhook event is not well-formed.');
  const { id, type, createdAt, data } = envelope.data;
  if (!(type in WEBHOOK_DATA)) return null;
  const known = type as BillingEventType;
  const parsed = WEBHOOK_DATA[known].safeParse(data);
  if (!parsed.success) throw new ValidationFailed(issuesOf(parsed.error, 'data'), `The ${known} event is not valid.`);
  const d = parsed.data as { accountId: string; plan?: PlanId; topUpId?: string };
  switch (known) {
    case 'account.created':
      return { id, type: known, createdAt, accountId: d.accountId };
    case 'subscription.updated':
      return { id, type: known, createdAt, accountId: d.accountId, plan: d.plan! };
    case 'subscription.canceled':
      // A cancel always lands on free, whatever plan the payload names.
      return { id, type: known, createdAt, accountId: d.accountId, plan: 'free' };
    case 'topup.paid':
    case 'topup.failed':
      return { id, type: known, createdAt, accountId: d.accountId, topUpId: d.topUpId! };
  }
}

export interface WebhookDeps {
  clock: Clock;
  events: EventPublisher;
  /** The accepted signing secrets: the current one first, then those kept during a rotation. */
  secrets(): Promise<readonly string[]>;
}

export type WebhookReceipt = { received: true; id: string; type: string; ignored?: true };

/**
 * Verifies the signature over the raw body (before anything is parsed), validates the event, publishes
 * it. A duplicate delivery is published again and acknowledged again: the bus handler applies it once.
 */
export async function receiveWebhook(deps: WebhookDeps, signature: string | undefined, rawBody: string): Promise<WebhookReceipt> {
  verify(signature, rawBody, await deps.secrets(), epochSeconds(deps.clock.now()), LIMITS.webhookToleranceSeconds);
  const event = parseWebhookBody(rawBody);
  if (!event) {
    const { id, type } = JSON.parse(rawBody) as { id: string; type: string };
    return { received: true, id, type, ignored: true };
  }
  await deps.events.publish(event);
  return { received: true, id: event.id, type: event.type };
}

/** Which subscription events were applied, kept `LIMITS.eventDedupeTtlSeconds` (TTL). */
export interface ProcessedEventStore {
  /** Whether a record of this event exists and has not expired at `now`. */
  wasProcessed(accountId: string, eventId: string, now: Date): Promise<boolean>;
  /** Records the event unless recorded (a conditional put); `expiresAt` in epoch seconds. */
  recordProcessed(accountId: string, eventId: string, record: { outcome: string; processedAt: string; expiresAt: number }): Promise<void>;
}

export interface BillingDeps extends TopUpDeps, RelayDeps {
  processedEvents: ProcessedEventStore;
}

/** `ignored`: older than the last applied subscription event, or naming the plan the account is on. */
export type BillingOutcome = 'provisioned' | 'applied' | 'ignored' | 'duplicate' | SettleOutcome;

/** Applies one billing event from the bus. Safe to run any number of times, concurrently or late. */
export async function applyBillingEvent(deps: BillingDeps, event: BillingEvent): Promise<BillingOutcome> {
  switch (event.type) {
    case 'account.created':
      await provisionAccount(deps, event.accountId);
      return 'provisioned';
    case 'subscription.updated':
    case 'subscription.canceled':
      return changePlan(deps, event);
    case 'topup.paid':
      return topUpPaid(deps, event.accountId, event.topUpId);
    case 'topup.failed':
      return topUpFailed(deps, event.accountId, event.topUpId);
  }
}

/**
 * The record is checked first and written last: a crash between `applyPlan` and the record leaves no
 * record, and the retry's `applyPlan` is a no-op (its `createdAt` is no longer newer than the last
 * applied), so the event is still applied exactly once. Concurrent deliveries both pass the check and
 * are serialised by `applyPlan`'s conditional write.
 */
async function changePlan(deps: BillingDeps, event: Extract<BillingEvent, { plan: PlanId }>): Promise<BillingOutcome> {
  const now = deps.clock.now();
  if (await deps.processedEvents.wasProcessed(event.accountId, event.id, now)) return 'duplicate';
  // A plan without top-ups turns auto top-up off in the same write.
  const { applied, account } = await applyPlan(deps, event.accountId, event.plan, event.createdAt, autoTopUpOnPlanChange(event.plan, now.toISOString()));
  // The reset's events (and a dip it ended) are relayed now; the outbox keeps them if that fails.
  if (applied) await afterChange(deps, account);
  const outcome = applied ? 'applied' : 'ignored';
  await deps.processedEvents.recordProcessed(event.accountId, event.id, {
    outcome,
    processedAt: now.toISOString(),
    expiresAt: epochSeconds(now) + LIMITS.eventDedupeTtlSeconds,
  });
  return outcome;
}
