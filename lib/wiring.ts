/**
 * The one declarative list of what runs: functions, their HTTP routes, EventBridge rules, schedules
 * and the table. `lib/aws/` realises it with CDK, `lib/local/` with dynalite, a local HTTP server
 * and an in-process bus; adding a route or a rule is one entry here.
 */
import { ADMIN_SCOPE } from '../functions/config.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway HTTP API path syntax: `/v1/generations/{id}`. */
  path: string;
  /** `jwt`: the HTTP API JWT authorizer (locally: the local server's jose check). */
  auth: 'jwt' | 'none';
  /** Scopes the authorizer requires (AWS) and the local server checks alike. */
  scopes?: string[];
}

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
  | 'webhook-secret';

export interface FunctionSpec {
  /** Logical id, kebab-case, unique. */
  id: string;
  /** Handler file from the repository root; it exports `handler`. */
  entry: string;
  routes?: RouteSpec[];
  rules?: RuleSpec[];
  schedules?: ScheduleSpec[];
  /** This function is the target of one-time schedules the service creates (blog publishing). */
  scheduleTarget?: boolean;
  access: Access[];
  timeoutSeconds?: number;
  memoryMb?: number;
  /**
   * Concurrency kept for this function alone, so a burst of merchant requests cannot starve it (and
   * it cannot take more). Counts against the account's Lambda concurrency quota (see README).
   */
  reservedConcurrency?: number;
}

export const EVENT_SOURCE = 'ai-credits.billing';
export const DETAIL_TYPES = {
  accountCreated: 'AccountCreated',
  subscriptionChanged: 'SubscriptionChanged',
  topUpPaid: 'TopUpPaid',
  topUpFailed: 'TopUpFailed',
} as const;

export { ADMIN_SCOPE };

/** The main table: one item collection per account (`pk`), sorted items inside it (`sk`). */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [
    /** Accounts by refresh due date, sharded: the monthly job queries `dueShard = n AND periodEnd <= now`. */
    { name: 'refresh-due', partitionKey: 'dueShard', sortKey: 'periodEnd', projection: 'KEYS_ONLY' },
  ],
} as const;

/** Powertools idempotency records (`id` key, `expiration` TTL), as that utility expects. */
export const IDEMPOTENCY_TABLE = { partitionKey: 'id', ttlAttribute: 'expiration' } as const;

/** Any merchant request may provision its account or refresh its period, so most functions read and write the table. */
const readWrite: Access[] = ['table:read', 'table:write'];

export const FUNCTIONS: FunctionSpec[] = [
  {
    id: 'credits-get',
    entry: 'functions/handlers/credits-get.ts',
    routes: [{ method: 'GET', path: '/v1/credits', auth: 'jwt' }],
    access: readWrite,
  },
  {
    id: 'ledger-get',
    entry: 'functions/handlers/ledger-get.ts',
    routes: [{ method: 'GET', path: '/v1/credits/ledger', auth: 'jwt' }],
    access: readWrite,
  },
  {
    id: 'admin-credits-get',
    entry: 'functions/handlers/admin-credits-get.ts',
    routes: [{ method: 'GET', path: '/v1/admin/accounts/{accountId}/credits', auth: 'jwt', scopes: [ADMIN_SCOPE] }],
    access: readWrite,
  },
  {
    id: 'admin-adjust',
    entry: 'functions/handlers/admin-adjust.ts',
    routes: [{ method: 'POST', path: '/v1/admin/accounts/{accountId}/adjustments', auth: 'jwt', scopes: [ADMIN_SCOPE] }],
    access: [...readWrite, 'idempotency'],
  },
  {
    id: 'webhook-subscriptions',
    entry: 'functions/handlers/webhook-subscriptions.ts',
    // No JWT: the handler verifies the billing system's HMAC signature over the raw body.
    routes: [{ method: 'POST', path: '/v1/webhooks/subscriptions', auth: 'none' }],
    access: ['bus:put', 'webhook-secret'],
  },
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
    access: readWrite,
    // Plan changes and paid top-ups must apply during a merchant burst; EventBridge retries any throttle.
    reservedConcurrency: 10,
  },
  {
    id: 'monthly-refresh',
    entry: 'functions/handlers/monthly-refresh.ts',
    schedules: [{ id: 'monthly-refresh', expression: 'rate(1 hour)' }],
    access: readWrite,
    timeoutSeconds: 900,
    memoryMb: 1024,
    // One run at a time: a late run never overlaps the next, and a burst cannot take its slot.
    reservedConcurrency: 1,
  },
  {
    id: 'catalog-get',
    entry: 'functions/handlers/catalog-get.ts',
    routes: [{ method: 'GET', path: '/v1/catalog', auth: 'jwt' }],
    access: [],
  },
  {
    id: 'top-up-packs-get',
    entry: 'functions/handlers/top-up-packs-get.ts',
    routes: [{ method: 'GET', path: '/v1/credits/top-up-packs', auth: 'jwt' }],
    access: [],
  },
  {
    id: 'top-up-create',
    entry: 'functions/handlers/top-up-create.ts',
    routes: [{ method: 'POST', path: '/v1/credits/top-ups', auth: 'jwt' }],
    access: [...readWrite, 'idempotency'],
  },
  {
    id: 'top-ups-list',
    entry: 'functions/handlers/top-ups-list.ts',
    routes: [{ method: 'GET', path: '/v1/credits/top-ups', auth: 'jwt' }],
    access: readWrite,
  },
  {
    id: 'generations-create',
    entry: 'functions/handlers/generations-create.ts',
    routes: [{ method: 'POST', path: '/v1/generations', auth: 'jwt' }],
    access: [...readWrite, 'idempotency', 'bedrock:invoke', 'uploads:read', 'results:write', 'results:read'],
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    id: 'generations-regenerate',
    entry: 'functions/handlers/generations-regenerate.ts',
    routes: [{ method: 'POST', path: '/v1/generations/{id}/regenerate', auth: 'jwt' }],
    access: [...readWrite, 'idempotency', 'bedrock:invoke', 'uploads:read', 'results:write', 'results:read'],
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    id: 'generations-select',
    entry: 'functions/handlers/generations-select.ts',
    routes: [{ method: 'POST', path: '/v1/generations/{id}/select', auth: 'jwt' }],
    // Write: a selected image is copied out of the expiring results/ prefix.
    access: [...readWrite, 'results:read', 'selected:write'],
  },
  {
    id: 'generations-get',
    entry: 'functions/handlers/generations-get.ts',
    routes: [{ method: 'GET', path: '/v1/generations/{id}', auth: 'jwt' }],
    access: [...readWrite, 'results:read'],
  },
  {
    id: 'product-content-get',
    entry: 'functions/handlers/product-content-get.ts',
    routes: [{ method: 'GET', path: '/v1/products/{productId}/content', auth: 'jwt' }],
    access: ['table:read', 'selected:read'],
  },
  {
    id: 'uploads-create',
    entry: 'functions/handlers/uploads-create.ts',
    routes: [{ method: 'POST', path: '/v1/uploads', auth: 'jwt' }],
    // Presigns a PUT: the URL carries this function's permission to write uploads/.
    access: [...readWrite, 'uploads:put'],
  },
  {
    id: 'notifications-list',
    entry: 'functions/handlers/notifications-list.ts',
    routes: [{ method: 'GET', path: '/v1/notifications', auth: 'jwt' }],
    access: ['table:read'],
  },
  {
    id: 'notifications-read',
    entry: 'functions/handlers/notifications-read.ts',
    routes: [{ method: 'POST', path: '/v1/notifications/{id}/read', auth: 'jwt' }],
    access: ['table:write'],
  },
  {
    id: 'blog-posts-create',
    entry: 'functions/handlers/blog-posts-create.ts',
    routes: [{ method: 'POST', path: '/v1/blog-posts', auth: 'jwt' }],
    access: [...readWrite, 'idempotency', 'scheduler:create'],
  },
  {
    id: 'blog-posts-list',
    entry: 'functions/handlers/blog-posts-list.ts',
    routes: [{ method: 'GET', path: '/v1/blog-posts', auth: 'jwt' }],
    access: ['table:read'],
  },
  {
    id: 'blog-posts-get',
    entry: 'functions/handlers/blog-posts-get.ts',
    routes: [{ method: 'GET', path: '/v1/blog-posts/{id}', auth: 'jwt' }],
    access: ['table:read'],
  },
  {
    id: 'blog-posts-cancel',
    entry: 'functions/handlers/blog-posts-cancel.ts',
    routes: [{ method: 'DELETE', path: '/v1/blog-posts/{id}', auth: 'jwt' }],
    access: ['table:write', 'scheduler:delete'],
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

/** Every HTTP route, flattened, with the function that serves it. */
export function routes(): Array<RouteSpec & { fn: FunctionSpec }> {
  return FUNCTIONS.flatMap((fn) => (fn.routes ?? []).map((r) => ({ ...r, fn })));
}
