/**
 * The one declarative list of what runs: functions, their HTTP routes, EventBridge rules, schedules
 * and the table. `lib/aws/` realises it with CDK, `lib/local/` with dynalite, a local HTTP server
 * and an in-process bus; adding a route or a rule is one entry here.
 */
import { ADMIN_SCOPE } from '../functions/config.ts';
import { DETAIL_TYPES, EVENT_SOURCE, QUEUE_IDS, SCHEDULE_TARGET, type QueueId } from '../functions/resources.ts';
import { ROUTES, type RoutedFunction } from '../functions/routes/index.ts';
import type { RouteDefinition } from '../functions/routes/route.ts';

export type { HttpMethod } from '../functions/routes/route.ts';

/** What CDK and the local server read of a route: the rest of its definition is the handler's and the document's. */
export type RouteSpec = Pick<RouteDefinition, 'method' | 'path' | 'auth' | 'scopes'>;

export interface RuleSpec {
  /** Logical id of the rule, stable across deploys. */
  id: string;
  source: string;
  detailTypes: string[];
}

export interface ScheduleSpec {
  id: string;
  /** EventBridge Scheduler expression, e.g. `rate(1 hour)`. */
  expression: string;
}

/**
 * What a function may touch; CDK turns each into a least-privilege grant and its env variable
 * (lib/aws/access.ts), and test/integration/least-privilege.test.ts checks each against the calls the
 * function makes. Objects of the uploads bucket are granted by key prefix and action: `uploads/` (the
 * merchant's photos, written through presigned PUTs), `results/` (enhanced variants), `selected/`
 * (variants kept as product content).
 */
export type Access =
  /** GetItem, Query, BatchGetItem on the main table and its indexes. */
  | 'table:read'
  /** PutItem, UpdateItem, BatchWriteItem (the ledger flush) on the main table: no DeleteItem, no Scan. */
  | 'table:write'
  | 'idempotency'
  | 'bus:put'
  | 'bedrock:invoke'
  /** Presigns the merchant's PUT of a photo: PutObject on `uploads/`. */
  | 'uploads:put'
  /** Reads a photo: GetObject (and a ListBucket limited to `uploads/`, so a missing one reads as 404) on `uploads/`. */
  | 'uploads:read'
  | 'results:read'
  | 'results:write'
  | 'selected:read'
  | 'selected:write'
  /** Creates one-time schedules in the service's group, passing the scheduler role. */
  | 'scheduler:create'
  /** Deletes one-time schedules of the service's group. */
  | 'scheduler:delete'
  | 'webhook-secret'
  /** Reads the outbound signing key (GetSecretValue), the root of every webhook endpoint's secret. */
  | 'outbound-signing-key'
  /** SendMessage (and SendMessageBatch, which IAM authorises as SendMessage) on one of the service's queues. */
  | `queue-send:${QueueId}`;

/**
 * A function fed by one of the service's SQS queues (functions/resources.ts QUEUES): CDK creates the queue,
 * its dead-letter queue (14 days, alarmed) and the event source mapping (with ReportBatchItemFailures: a
 * handler answers `{ batchItemFailures }`); the local stack runs the same on the service clock (lib/local/queues.ts).
 */
export interface QueueConsumerSpec {
  queue: QueueId;
  /** Messages per invocation (1..10). */
  batchSize: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** How long a received message stays hidden; at least 6× the function's timeout, as AWS advises. */
  visibilityTimeoutSeconds: number;
  /** Concurrent invocations the event source mapping may run (2..1000 in AWS). */
  maxConcurrency: number;
}

/** A function's timeout when its spec names none (CDK and the local runner both read it here). */
export const DEFAULT_TIMEOUT_SECONDS = 10;

export interface FunctionSpec {
  /** Logical id, kebab-case, unique. */
  id: string;
  /** Handler file from the repository root; it exports `handler`. */
  entry: string;
  /** Its HTTP routes: on HTTP functions, their definition's (functions/routes/, see `http()`). */
  routes?: RouteSpec[];
  rules?: RuleSpec[];
  schedules?: ScheduleSpec[];
  /** This function is the target of one-time schedules the service creates (blog publishing). */
  scheduleTarget?: boolean;
  /** This function consumes one of the service's queues. */
  consumes?: QueueConsumerSpec;
  access: Access[];
  timeoutSeconds?: number;
  memoryMb?: number;
  /**
   * Concurrency kept for this function alone, so a burst of merchant requests cannot starve it (and
   * it cannot take more). Counts against the account's Lambda concurrency quota (see README).
   */
  reservedConcurrency?: number;
}

export { ADMIN_SCOPE, DETAIL_TYPES, EVENT_SOURCE };
export { IDEMPOTENCY_TABLE, TABLE } from '../functions/resources.ts';

/** Any merchant request may provision its account or refresh its period, so most functions read and write the table. */
const readWrite: Access[] = ['table:read', 'table:write'];

/**
 * An HTTP function from its route definition: id, handler file and route come from it, and a route that
 * honours `Idempotency-Key` is granted the idempotency table here, so the grant cannot lag the flag.
 */
function http(fn: RoutedFunction, spec: Omit<FunctionSpec, 'id' | 'entry' | 'routes'>): FunctionSpec {
  const route = ROUTES[fn];
  const access = route.idempotent && !spec.access.includes('idempotency') ? [...spec.access, 'idempotency' as const] : spec.access;
  return { ...spec, id: fn, entry: `functions/handlers/${fn}.ts`, routes: [route], access };
}

export const FUNCTIONS: FunctionSpec[] = [
  http('credits-get', {
    access: readWrite,
  }),
  http('ledger-get', {
    access: readWrite,
  }),
  // Reading first applies what is due (refresh, expiry), as GET /v1/credits does: the preview is of that state.
  http('plan-preview-get', {
    access: readWrite,
  }),
  // Reads the ledger; a first request provisions the account, as every merchant route does.
  http('usage-get', {
    access: readWrite,
  }),
  http('admin-credits-get', {
    access: readWrite,
  }),
  http('admin-adjust', {
    // Relays the outbox its change left (balance alerts, recoveries) to the outbound webhooks.
    access: [...readWrite, 'queue-send:outbound'],
  }),
  http('admin-grants-create', {
    // Relays the outbox its change left (balance alerts, recoveries) to the outbound webhooks.
    access: [...readWrite, 'queue-send:outbound'],
  }),
  // Reads the usage counters and the refresh-due index; writes nothing.
  http('admin-usage-get', {
    access: ['table:read'],
  }),
  http('webhook-subscriptions', {
    // No JWT: the handler verifies the billing system's HMAC signature over the raw body.
    access: ['bus:put', 'webhook-secret'],
  }),
  {
    id: 'billing-events',
    entry: 'functions/handlers/billing-events.ts',
    rules: [
      {
        id: 'billing-events',
        source: EVENT_SOURCE,
        detailTypes: [DETAIL_TYPES.accountCreated, DETAIL_TYPES.subscriptionChanged, DETAIL_TYPES.topUpPaid, DETAIL_TYPES.topUpFailed],
      },
    ],
    // Relays the outbox its changes left (resets, paid top-ups, alerts) to the outbound webhooks.
    access: [...readWrite, 'queue-send:outbound'],
    // Plan changes and paid top-ups must apply during a merchant burst; EventBridge retries any throttle.
    reservedConcurrency: 10,
  },
  {
    id: 'monthly-refresh',
    entry: 'functions/handlers/monthly-refresh.ts',
    schedules: [{ id: 'monthly-refresh', expression: 'rate(1 hour)' }],
    // Relays every outbox a dead writer left (the events-due index), `topup.requested` also to the bus.
    access: [...readWrite, 'queue-send:outbound', 'bus:put'],
    timeoutSeconds: 900,
    memoryMb: 1024,
    // One run at a time: a late run never overlaps the next, and a burst cannot take its slot.
    reservedConcurrency: 1,
  },
  http('catalog-get', {
    access: [],
  }),
  http('top-up-packs-get', {
    access: [],
  }),
  http('top-up-create', {
    access: readWrite,
  }),
  http('top-ups-list', {
    access: readWrite,
  }),
  // Reading may provision the account, and writes a pending auto top-up's item if its writer died.
  http('auto-top-up-get', {
    access: readWrite,
  }),
  http('auto-top-up-put', {
    access: readWrite,
  }),
  http('generations-create', {
    // The outbox relay: alerts and auto top-up requests to the outbound webhooks, `topup.requested` to the bus.
    access: [...readWrite, 'bedrock:invoke', 'uploads:read', 'results:write', 'results:read', 'queue-send:outbound', 'bus:put'],
    timeoutSeconds: 29,
    memoryMb: 1024,
  }),
  http('generations-regenerate', {
    // The outbox relay: alerts and auto top-up requests to the outbound webhooks, `topup.requested` to the bus.
    access: [...readWrite, 'bedrock:invoke', 'uploads:read', 'results:write', 'results:read', 'queue-send:outbound', 'bus:put'],
    timeoutSeconds: 29,
    memoryMb: 1024,
  }),
  // Bulk generation jobs: the create route takes the credits and queues the items; the worker runs them.
  http('generation-jobs-create', {
    access: [...readWrite, 'queue-send:generation-jobs', 'queue-send:outbound', 'bus:put'],
    // Writes up to 500 items and 50 message batches before it answers: API Gateway's limit, not the default 10 s.
    timeoutSeconds: 29,
  }),
  http('generation-jobs-get', {
    access: ['table:read'],
  }),
  http('generation-jobs-items', {
    access: ['table:read'],
  }),
  http('generation-jobs-list', {
    access: ['table:read'],
  }),
  // Refunds the canceled items' credits: writes the balance item; a cancel that ends the job relays its
  // generation_job.completed event.
  http('generation-jobs-cancel', {
    access: [...readWrite, 'queue-send:outbound'],
  }),
  {
    id: 'generation-job-worker',
    entry: 'functions/handlers/generation-job-worker.ts',
    consumes: { queue: 'generation-jobs', batchSize: 10, maxReceiveCount: 6, visibilityTimeoutSeconds: 6 * 60, maxConcurrency: 4 },
    // Sends an item again with a delay when the model is throttled; writes selected variants as content.
    // The write that ends a job records generation_job.completed, relayed at once to the outbound webhooks.
    access: [...readWrite, 'bedrock:invoke', 'queue-send:generation-jobs', 'queue-send:outbound'],
    timeoutSeconds: 60,
    memoryMb: 1024,
    // Bounded: a 500-item job never takes the concurrency (or the model quota) merchants' own generations need.
    reservedConcurrency: 4,
  },
  http('generations-select', {
    // Write: a selected image is copied out of the expiring results/ prefix.
    access: [...readWrite, 'results:read', 'selected:write'],
  }),
  http('generations-get', {
    access: [...readWrite, 'results:read'],
  }),
  http('product-content-get', {
    access: ['table:read', 'selected:read'],
  }),
  http('products-list', {
    access: ['table:read'],
  }),
  http('generations-list', {
    access: ['table:read'],
  }),
  // Content history: reads and writes the account's product items only (no credits: edits and restores are free).
  http('product-content-history-get', {
    access: ['table:read'],
  }),
  http('product-content-put', {
    access: readWrite,
  }),
  http('product-content-restore', {
    access: readWrite,
  }),
  http('uploads-create', {
    // Presigns a PUT: the URL carries this function's permission to write uploads/.
    access: [...readWrite, 'uploads:put'],
  }),
  // Brand voice: its own item, any plan; the GET answers the default without provisioning the account.
  http('brand-voice-get', {
    access: ['table:read'],
  }),
  http('brand-voice-put', {
    access: ['table:write'],
  }),
  http('notifications-list', {
    access: ['table:read'],
  }),
  http('notifications-read', {
    access: ['table:write'],
  }),
  http('blog-posts-create', {
    access: [...readWrite, 'scheduler:create'],
  }),
  http('blog-posts-list', {
    access: ['table:read'],
  }),
  http('blog-posts-get', {
    access: ['table:read'],
  }),
  http('blog-posts-cancel', {
    access: ['table:write', 'scheduler:delete'],
  }),
  // Outbound webhooks (platform-wide, admin): the registry is one item, the log items per endpoint.
  // Registering writes the registry item blind (its guard is the cap) and derives the secret it answers.
  http('webhook-endpoints-create', {
    access: ['table:write', 'outbound-signing-key'],
  }),
  http('webhook-endpoints-list', {
    access: ['table:read'],
  }),
  http('webhook-endpoints-delete', {
    access: readWrite,
  }),
  http('webhook-deliveries-list', {
    access: ['table:read'],
  }),
  {
    // Fans each outbound event out to its endpoints; re-sends failed attempts to its own queue, delayed.
    id: 'webhook-deliver',
    entry: 'functions/handlers/webhook-deliver.ts',
    consumes: { queue: 'outbound', batchSize: 5, maxReceiveCount: 5, visibilityTimeoutSeconds: 180, maxConcurrency: 5 },
    access: [...readWrite, 'outbound-signing-key', 'queue-send:outbound'],
    // Parallel POSTs of 10 s at most each, plus the log writes.
    timeoutSeconds: 30,
  },
  {
    // Invoked by the one-time schedules the two functions above create and delete (no route).
    id: 'blog-publish',
    entry: 'functions/handlers/blog-publish.ts',
    scheduleTarget: true,
    // Publishing is conditional writes only: a losing one learns why from the item it carries.
    access: ['table:write'],
  },
];

// The scheduler adapter names its target without reading this list (it would carry every route into its bundle).
const targets = FUNCTIONS.filter((f) => f.scheduleTarget).map((f) => f.id);
if (targets.join() !== SCHEDULE_TARGET) throw new Error(`lib/wiring.ts: the one scheduleTarget must be ${SCHEDULE_TARGET} (functions/resources.ts), found ${targets.join(', ') || 'none'}`);
// Every route definition is served by a function of this list.
const unserved = Object.keys(ROUTES).filter((fn) => !FUNCTIONS.some((f) => f.id === fn));
if (unserved.length) throw new Error(`lib/wiring.ts: no function serves the routes of ${unserved.join(', ')}`);

/** The function that consumes each queue (exactly one, checked below). */
export function queueConsumers(specs: readonly FunctionSpec[] = FUNCTIONS): Map<QueueId, FunctionSpec> {
  const out = new Map<QueueId, FunctionSpec>();
  for (const f of specs) {
    if (!f.consumes) continue;
    if (out.has(f.consumes.queue)) throw new Error(`lib/wiring.ts: queue ${f.consumes.queue} has two consumers (${out.get(f.consumes.queue)!.id}, ${f.id})`);
    const c = f.consumes;
    if (c.batchSize < 1 || c.batchSize > 10 || c.maxConcurrency < 2 || c.visibilityTimeoutSeconds < 6 * (f.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS)) {
      throw new Error(`lib/wiring.ts: ${f.id} consumes ${c.queue} with batchSize 1..10, maxConcurrency >= 2 and a visibility timeout of at least 6x its timeout`);
    }
    out.set(c.queue, f);
  }
  return out;
}

/** The queues a function list sends to or consumes: each must have a consumer. */
export function queuesOf(specs: readonly FunctionSpec[] = FUNCTIONS): QueueId[] {
  const used = new Set<QueueId>();
  for (const f of specs) {
    if (f.consumes) used.add(f.consumes.queue);
    for (const a of f.access) if (a.startsWith('queue-send:')) used.add(a.slice('queue-send:'.length) as QueueId);
  }
  return QUEUE_IDS.filter((q) => used.has(q));
}

/** Every HTTP route, flattened, with the function that serves it. */
export function routes(): Array<RouteSpec & { fn: FunctionSpec }> {
  return FUNCTIONS.flatMap((fn) => (fn.routes ?? []).map((r) => ({ ...r, fn })));
}

/** The definition of a function's route (functions/routes/<id>.ts); undefined for a function without one. */
export function routeDefinition(fnId: string): RouteDefinition | undefined {
  return (ROUTES as Record<string, RouteDefinition>)[fnId];
}
