/**
 * Names the functions and lib/ share: the table layouts, the billing events' source and detail-types,
 * and the function one-time schedules invoke. Kept apart from lib/wiring.ts, so an adapter that needs
 * one of them does not carry the wiring, and with it every route definition, into its bundle.
 */

export const EVENT_SOURCE = 'ai-credits.billing';
export const DETAIL_TYPES = {
  accountCreated: 'AccountCreated',
  subscriptionChanged: 'SubscriptionChanged',
  topUpPaid: 'TopUpPaid',
  topUpFailed: 'TopUpFailed',
  /** Not a billing webhook: the outbox relay publishes `topup.requested` events under it, for the billing system. */
  topUpRequested: 'TopUpRequested',
} as const;

/** The main table: one item collection per account (`pk`), sorted items inside it (`sk`). */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [
    /**
     * Accounts by refresh due date, sharded: the monthly job queries `dueShard = n AND periodEnd <= now`. It
     * lists every account, so it carries the plan too: operator usage counts subscribers per plan from it.
     */
    { name: 'refresh-due', partitionKey: 'dueShard', sortKey: 'periodEnd', projection: 'INCLUDE', include: ['plan'] },
    /** Accounts whose grants or expiring top-ups are due a notice or their expiry (sparse): the same job queries `sourceDueAt <= now`. */
    { name: 'source-due', partitionKey: 'dueShard', sortKey: 'sourceDueAt', projection: 'KEYS_ONLY' },
    /** Accounts whose event outbox holds events (sparse, `eventsDueAt`: the oldest one's time): the same job relays those a writer left behind. */
    { name: 'events-due', partitionKey: 'dueShard', sortKey: 'eventsDueAt', projection: 'KEYS_ONLY' },
    /**
     * Generations (and the facts of failed ones) by time, sharded (`ush`, only those items carry it): operator
     * usage reads a day's figures from it. Its write is the one extra write unit a generation costs for it;
     * no extra request (the attribute rides on the generation's own write).
     */
    { name: 'usage-by-time', partitionKey: 'ush', sortKey: 'createdAt', projection: 'INCLUDE', include: ['feature', 'plan', 'creditsCharged', 'usage', 'costUsd', 'failed'] },
  ],
} as const;

/** Powertools idempotency records (`id` key, `expiration` TTL), as that utility expects. */
export const IDEMPOTENCY_TABLE = { partitionKey: 'id', ttlAttribute: 'expiration' } as const;

/** The function the service's one-time schedules invoke (blog publishing); lib/wiring.ts marks it `scheduleTarget`. */
export const SCHEDULE_TARGET = 'blog-publish';

/**
 * The service's SQS work queues, each consumed by one function (lib/wiring.ts `consumes`) and sent to by
 * the functions with its `queue-send:<id>` access, which sets the queue's URL in `envKey`. Locally the
 * stack serves them (lib/local/queues.ts) at URLs of its own, so the same adapter code runs.
 */
export const QUEUES = {
  /** Outbound webhook deliveries (one message per event, or per event and endpoint on retry). */
  outbound: { envKey: 'OUTBOUND_QUEUE_URL' },
  /** The items of bulk generation jobs. */
  'generation-jobs': { envKey: 'GENERATION_JOBS_QUEUE_URL' },
} as const;
export type QueueId = keyof typeof QUEUES;
export const QUEUE_IDS = Object.keys(QUEUES) as QueueId[];
