/**
 * The OpenAPI 3.1 document of the public API. Paths, methods, parameters and security come from the
 * wiring's routes, request bodies from the zod schemas handlers validate with (zod → JSON Schema), so
 * neither can drift; response shapes are written here from docs/contract.md, where no zod schema exists.
 * A route the table below does not describe yet still appears, with a generic response.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as z from 'zod';
import { FEATURE_IDS, LIMITS, PLAN_IDS, TOP_UP_PACKS } from '#config';
import { catalogView } from '#core/catalog.ts';
import { OUTPUT_LIMITS } from '#core/model.ts';
import * as schemas from '#core/schemas.ts';
import { DETAIL_TYPES, routes, type RouteSpec } from './wiring.ts';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
const dateTime = str({ format: 'date-time' });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties), extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  required,
  ...extra,
});
const page = (item: string): Schema => obj({ items: { type: 'array', items: ref(item) }, nextCursor: nullable(str()) });

/** zod → JSON Schema 2020-12 (OpenAPI 3.1's dialect), as the client sends it (`io: 'input'`: defaults optional). */
function fromZod(schema: z.ZodType): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  return rest;
}

/** A request schema exported by functions/core/schemas.ts, when someone has written it; else the fallback. */
function requestSchema(name: string, fallback: Schema): Schema {
  const candidate = (schemas as Record<string, unknown>)[name];
  return candidate instanceof z.ZodType ? fromZod(candidate) : fallback;
}

// ---------------------------------------------------------------------------------------------
// Errors: the envelope and the stable codes of docs/contract.md, by status.

interface ErrorDoc {
  name: string;
  description: string;
  codes: string[];
  details?: Record<string, Schema>;
  headers?: string[];
}

export const ERROR_RESPONSES: Record<number, ErrorDoc> = {
  400: {
    name: 'ValidationFailed',
    description: 'Malformed JSON, wrong types or a limit exceeded.',
    codes: ['VALIDATION_FAILED'],
    details: { issues: { type: 'array', items: obj({ path: str(), message: str() }) } },
  },
  401: { name: 'Unauthorized', description: 'Missing or bad token; bad webhook signature.', codes: ['UNAUTHORIZED', 'INVALID_SIGNATURE'] },
  402: {
    name: 'InsufficientCredits',
    description: 'Not enough credits: `action` says whether to upgrade (free plan) or top up (paid plans).',
    codes: ['INSUFFICIENT_CREDITS'],
    details: { action: str({ enum: ['upgrade', 'top_up'] }), required: int(), available: int() },
    headers: ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'RateLimit'],
  },
  403: {
    name: 'Forbidden',
    description: 'The feature is not in the plan (`PLAN_UPGRADE_REQUIRED`, `action: "upgrade"`), or the token lacks a scope (`FORBIDDEN`).',
    codes: ['PLAN_UPGRADE_REQUIRED', 'FORBIDDEN'],
    details: { action: str({ enum: ['upgrade'] }) },
  },
  404: { name: 'NotFound', description: "Unknown resource, or another account's.", codes: ['NOT_FOUND'] },
  409: {
    name: 'Conflict',
    description:
      'Same `Idempotency-Key` with a different body, or still in progress; an admin debit larger than the purchased balance; a state that forbids the change (`CONFLICT`, e.g. a draft already scheduled, with its `postId`); a per-account cap reached (`LIMIT_REACHED`, with `limit`: ' +
      `${LIMITS.maxScheduledPosts} scheduled blog posts, ${LIMITS.maxUploadsPerWindow} uploads per rolling ${LIMITS.uploadWindowSeconds / 3600} h), where nothing was created or charged.`,
    codes: ['IDEMPOTENCY_CONFLICT', 'ADJUSTMENT_EXCEEDS_BALANCE', 'CONFLICT', 'ALREADY_PUBLISHED', 'LIMIT_REACHED'],
    details: { limit: int({ minimum: 1 }), postId: str() },
  },
  413: {
    name: 'PayloadTooLarge',
    description: `Body over ${LIMITS.maxBodyBytes} bytes.`,
    codes: ['PAYLOAD_TOO_LARGE'],
    details: { limitBytes: int() },
  },
  429: {
    name: 'CooldownActive',
    description: 'Generation rate limit hit: a cooldown runs until `cooldownUntil`.',
    codes: ['COOLDOWN_ACTIVE'],
    details: { cooldownUntil: dateTime, retryAfterSeconds: int({ minimum: 0 }) },
    headers: ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'RateLimit'],
  },
  502: {
    name: 'GenerationFailed',
    description: 'The model call failed or returned unusable output; the credits were refunded.',
    codes: ['GENERATION_FAILED'],
    details: { creditsRefunded: int({ minimum: 0 }) },
  },
  503: {
    name: 'ServiceUnavailable',
    description: 'A dependency (e.g. the webhook secret store) is unavailable; retry after `Retry-After`.',
    codes: ['SERVICE_UNAVAILABLE'],
    headers: ['Retry-After'],
  },
};

const HEADERS: Record<string, Schema> = {
  'Retry-After': { description: 'Seconds until the request may be retried.', schema: int({ minimum: 0 }) },
  'RateLimit-Limit': { description: 'Generation attempts allowed per window.', schema: int() },
  'RateLimit-Remaining': { description: 'Attempts left in the current window.', schema: int() },
  'RateLimit-Reset': { description: 'Seconds until the window (or cooldown) ends.', schema: int() },
  'RateLimit-Policy': { description: 'draft-ietf-httpapi-ratelimit-headers structured policy, e.g. `"attempts";q=10;w=3600`.', schema: str() },
  RateLimit: { description: 'draft-ietf-httpapi-ratelimit-headers structured field, e.g. `"attempts";r=9;t=3412`.', schema: str() },
};

// ---------------------------------------------------------------------------------------------
// Response shapes (docs/contract.md), and the request bodies without a zod schema yet.

const variantIndex = { index: int({ minimum: 0, maximum: 1 }) };

const SCHEMAS: Record<string, Schema> = {
  Error: obj(
    {
      error: obj({ code: str(), message: str() }, ['code', 'message'], {
        additionalProperties: true,
        description: 'Details beside `code` and `message` depend on the code (`issues`, `action`, `required`, …).',
      }),
    },
    ['error'],
    { example: { error: { code: 'INSUFFICIENT_CREDITS', message: 'This needs 1 credit and you have 0.', action: 'upgrade', required: 1, available: 0 } } },
  ),
  Credits: obj(
    {
      accountId: str(),
      plan: str({ enum: [...PLAN_IDS] }),
      credits: obj({ available: int({ minimum: 0 }), allowance: int({ minimum: 0 }), allowanceRemaining: int({ minimum: 0 }), purchased: int({ minimum: 0 }) }),
      period: obj({ start: dateTime, end: dateTime }),
      topUpAvailable: { type: 'boolean', description: 'True exactly for paid plans (the Top Up button).' },
      rateLimit: obj({ limit: int(), remaining: int({ minimum: 0 }), windowResetAt: nullable(dateTime), cooldownUntil: nullable(dateTime) }),
    },
    undefined,
    {
      example: {
        accountId: 'acct_1',
        plan: 'free',
        credits: { available: 25, allowance: 25, allowanceRemaining: 25, purchased: 0 },
        period: { start: '2026-11-25T00:00:00.000Z', end: '2026-12-25T00:00:00.000Z' },
        topUpAvailable: false,
        rateLimit: { limit: 10, remaining: 10, windowResetAt: null, cooldownUntil: null },
      },
    },
  ),
  AdjustmentResult: {
    allOf: [ref('Credits'), obj({ adjustment: obj({ amount: int(), reason: str() }) })],
  },
  LedgerEntry: obj(
    {
      id: str(),
      at: dateTime,
      type: str({ enum: ['grant', 'reset', 'refresh', 'charge', 'refund', 'top_up', 'adjust'] }),
      amount: int({ description: 'Signed: a charge is negative.' }),
      bucket: str({ enum: ['allowance', 'purchased'] }),
      balanceAfter: int({ minimum: 0 }),
      feature: str({ enum: [...FEATURE_IDS] }),
      generationId: str(),
      reason: str(),
    },
    ['id', 'at', 'type', 'amount', 'bucket', 'balanceAfter'],
  ),
  LedgerPage: { ...page('LedgerEntry'), description: 'Newest first. The sum of `amount` over the ledger equals `available`.' },
  TextVariant: obj({ ...variantIndex, text: str({ maxLength: OUTPUT_LIMITS.descriptionMaxChars }) }),
  LockedVariant: obj(
    { ...variantIndex, locked: { const: true } },
    undefined,
    { description: 'Free plan teaser: shown blurred, never generated, no text.' },
  ),
  SeoVariant: obj({
    ...variantIndex,
    title: str({ maxLength: OUTPUT_LIMITS.seoTitleMaxChars }),
    description: str({ maxLength: OUTPUT_LIMITS.seoDescriptionMaxChars }),
  }),
  ImageVariant: obj({
    ...variantIndex,
    imageUrl: str({ format: 'uri' }),
    width: int(),
    height: int(),
    operations: { type: 'array', items: str() },
  }),
  BlogVariant: obj({
    ...variantIndex,
    title: str({ maxLength: OUTPUT_LIMITS.blogTitleMaxChars }),
    excerpt: str({ maxLength: OUTPUT_LIMITS.blogExcerptMaxChars }),
    bodyMarkdown: str(),
  }),
  DesignVariant: obj({
    ...variantIndex,
    palette: obj(Object.fromEntries(['primary', 'secondary', 'accent', 'background', 'text'].map((k) => [k, str({ pattern: '^#[0-9a-fA-F]{6}$' })]))),
    fonts: obj({ heading: str(), body: str() }),
    sections: {
      type: 'array',
      items: obj(
        {
          type: str({ enum: ['hero', 'featured_products', 'testimonials', 'about', 'newsletter', 'faq'] }),
          headline: str(),
          body: str(),
          cta: str(),
        },
        ['type', 'headline', 'body'],
      ),
    },
  }),
  Generation: obj(
    {
      id: str({ pattern: '^gen_' }),
      feature: str({ enum: [...FEATURE_IDS] }),
      productId: nullable(str()),
      variants: {
        type: 'array',
        items: { anyOf: ['TextVariant', 'LockedVariant', 'SeoVariant', 'ImageVariant', 'BlogVariant', 'DesignVariant'].map(ref) },
      },
      selectedIndex: nullable(int({ minimum: 0, maximum: 1 })),
      regeneratedFrom: nullable(str()),
      creditsCharged: int({ minimum: 0 }),
      credits: obj({ available: int({ minimum: 0 }) }),
      createdAt: dateTime,
    },
    ['id', 'feature', 'productId', 'variants', 'selectedIndex', 'regeneratedFrom', 'creditsCharged', 'credits', 'createdAt'],
  ),
  ProductContent: obj(
    {
      productId: str(),
      description: nullable(str()),
      seo: nullable(obj({ title: str(), description: str() })),
      image: nullable(obj({ imageUrl: str({ format: 'uri', description: 'Short-lived presigned GET, made anew on every read.' }), width: int(), height: int(), generationId: str() })),
    },
    ['productId', 'description', 'seo'],
  ),
  Notification: obj({
    id: str(),
    type: str({ enum: ['cooldown_started', 'credits_reset', 'credits_refreshed', 'low_balance', 'top_up_completed', 'blog_published'] }),
    message: str(),
    createdAt: dateTime,
    readAt: nullable(dateTime),
  }),
  NotificationPage: page('Notification'),
  TopUpPack: obj({ id: str(), credits: int({ minimum: 1 }), price: obj({ amount: str({ pattern: '^\\d+\\.\\d{2}$' }), currency: str({ enum: ['USD'] }) }) }),
  TopUpPacks: obj({ items: { type: 'array', items: ref('TopUpPack') } }, undefined, { example: { items: TOP_UP_PACKS } }),
  Catalog: obj(
    {
      plans: {
        type: 'array',
        items: obj({
          id: str({ enum: [...PLAN_IDS] }),
          label: str(),
          monthlyAllowance: int({ minimum: 0 }),
          capabilities: obj({ topUp: { type: 'boolean' }, allVariants: { type: 'boolean' } }),
          features: { type: 'array', items: str({ enum: [...FEATURE_IDS] }) },
        }),
      },
      features: {
        type: 'array',
        items: obj({
          id: str({ enum: [...FEATURE_IDS] }),
          label: str(),
          cost: int({ minimum: 1 }),
          variants: int({ minimum: 1 }),
          freeVariants: int({ minimum: 0 }),
          requiresProduct: { type: 'boolean' },
          plans: { type: 'array', items: str({ enum: [...PLAN_IDS] }) },
        }),
      },
      packs: { type: 'array', items: ref('TopUpPack') },
    },
    undefined,
    { example: catalogView() },
  ),
  TopUp: obj({
    id: str({ pattern: '^tu_' }),
    packId: str(),
    credits: int({ minimum: 1 }),
    status: str({ enum: ['pending', 'paid', 'failed'] }),
    checkoutUrl: str({ format: 'uri' }),
    createdAt: dateTime,
  }),
  TopUpPage: page('TopUp'),
  Upload: obj({ uploadId: str(), uploadUrl: str({ format: 'uri', description: 'PUT the file here (S3 presigned URL).' }), expiresAt: dateTime }),
  BlogPost: obj(
    { id: str(), title: str(), status: str({ enum: ['scheduled', 'published', 'canceled'] }), publishAt: dateTime, bodyMarkdown: str() },
    ['id', 'title', 'status', 'publishAt'],
  ),
  BlogPostPage: page('BlogPost'),
  WebhookReceipt: obj({ received: { const: true }, id: str(), type: str(), ignored: { const: true } }, ['received', 'id', 'type']),

  // Request bodies: zod where it exists.
  GenerateRequest: fromZod(schemas.GenerateRequest),
  SelectRequest: fromZod(schemas.SelectRequest),
  // Refinements do not survive the conversion: say them.
  AdjustmentRequest: { ...fromZod(schemas.AdjustmentRequest), description: '`amount` is a non-zero integer of at most 1,000,000 either way; a debit larger than the purchased balance is refused (409).' },
  TopUpRequest: fromZod(schemas.TopUpRequest),
  UploadRequest: requestSchema(
    'UploadRequest',
    obj({ contentType: str({ enum: ['image/jpeg', 'image/png', 'image/webp'] }), bytes: int({ minimum: 1, maximum: 10 * 1024 * 1024 }) }, undefined, {
      additionalProperties: false,
    }),
  ),
  BlogPostRequest: requestSchema(
    'BlogPostRequest',
    obj({ generationId: str({ minLength: 1, maxLength: 100 }), index: int({ minimum: 0, maximum: 1 }), publishAt: { ...dateTime, description: 'In the future.' } }, undefined, {
      additionalProperties: false,
    }),
  ),
  WebhookEvent: requestSchema(
    'WebhookEvent',
    obj(
      {
        id: str({ pattern: '^evt_' }),
        type: str({
          description: `Known: account.created, subscription.updated, subscription.canceled, topup.paid, topup.failed (published as ${Object.values(DETAIL_TYPES).join(', ')}); unknown types are accepted and ignored.`,
        }),
        createdAt: dateTime,
        data: obj({ accountId: str(), plan: str({ enum: [...PLAN_IDS] }), topUpId: str() }, ['accountId']),
      },
      ['id', 'type', 'createdAt', 'data'],
    ),
  ),
};

// ---------------------------------------------------------------------------------------------
// Operations, by route key (`METHOD path`).

interface OperationDoc {
  summary: string;
  tag: string;
  body?: string;
  query?: z.ZodObject;
  /** Accepts `Idempotency-Key` (kept ≥ 24 h; a replay answers the original status and body). */
  idempotent?: boolean;
  /** A generation attempt: RateLimit headers on success and on 402/429. */
  rateLimited?: boolean;
  /** Signed by the billing system (`Webhook-Signature`) instead of a JWT. */
  signed?: boolean;
  success: { status: number; schema: string; description: string };
  /** Statuses beyond those every route of its kind can answer. */
  errors?: number[];
}

const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(400).optional(),
});

const GENERATION_ERRORS = [402, 403, 409, 429, 502];

const OPERATIONS: Record<string, OperationDoc> = {
  'GET /v1/credits': { summary: "The caller's credits (the AI Credits button)", tag: 'credits', success: { status: 200, schema: 'Credits', description: 'Balance, plan, period and rate limit.' } },
  'GET /v1/credits/ledger': {
    summary: 'Usage history, newest first',
    tag: 'credits',
    query: schemas.LedgerQuery,
    success: { status: 200, schema: 'LedgerPage', description: 'A page of ledger entries.' },
  },
  'GET /v1/catalog': {
    summary: 'Plans, features and packs: labels, costs, variant counts, what each plan may do',
    tag: 'credits',
    success: { status: 200, schema: 'Catalog', description: 'The catalog of the configuration module.' },
  },
  'GET /v1/credits/top-up-packs': { summary: 'Credit packs on sale', tag: 'top-ups', success: { status: 200, schema: 'TopUpPacks', description: 'The packs.' } },
  'POST /v1/credits/top-ups': {
    summary: 'Start buying a pack (paid plans)',
    tag: 'top-ups',
    body: 'TopUpRequest',
    idempotent: true,
    errors: [403, 404, 409],
    success: { status: 201, schema: 'TopUp', description: 'A pending top-up and its checkout URL; nothing is credited yet.' },
  },
  'GET /v1/credits/top-ups': { summary: "The caller's top-ups", tag: 'top-ups', query: PageQuery, success: { status: 200, schema: 'TopUpPage', description: 'A page of top-ups.' } },
  'POST /v1/generations': {
    summary: 'Generate (charged)',
    tag: 'generations',
    body: 'GenerateRequest',
    idempotent: true,
    rateLimited: true,
    errors: GENERATION_ERRORS,
    success: { status: 201, schema: 'Generation', description: 'The generation with its variants and the balance after the charge.' },
  },
  'POST /v1/generations/{id}/regenerate': {
    summary: 'Generate again from the same input (charged again)',
    tag: 'generations',
    idempotent: true,
    rateLimited: true,
    errors: GENERATION_ERRORS,
    success: { status: 201, schema: 'Generation', description: 'A new generation; `regeneratedFrom` is `{id}`.' },
  },
  'POST /v1/generations/{id}/select': {
    summary: "Choose a variant as the product's content (free of charge)",
    tag: 'generations',
    body: 'SelectRequest',
    errors: [403],
    success: { status: 200, schema: 'Generation', description: 'The generation with `selectedIndex` set.' },
  },
  'GET /v1/generations/{id}': { summary: 'A generation', tag: 'generations', success: { status: 200, schema: 'Generation', description: 'The generation.' } },
  'GET /v1/products/{productId}/content': {
    summary: "A product's selected content",
    tag: 'products',
    success: { status: 200, schema: 'ProductContent', description: 'Description, SEO meta and image chosen so far (null when none).' },
  },
  'GET /v1/notifications': { summary: "The caller's notifications", tag: 'notifications', query: PageQuery, success: { status: 200, schema: 'NotificationPage', description: 'Newest first.' } },
  'POST /v1/notifications/{id}/read': { summary: 'Mark a notification read', tag: 'notifications', success: { status: 200, schema: 'Notification', description: 'The notification, `readAt` set.' } },
  'POST /v1/uploads': {
    summary: 'Get a presigned URL to upload a product photo',
    tag: 'uploads',
    body: 'UploadRequest',
    errors: [403, 409],
    success: { status: 201, schema: 'Upload', description: 'PUT the file to `uploadUrl` before `expiresAt`.' },
  },
  'POST /v1/blog-posts': {
    summary: 'Schedule a generated blog post',
    tag: 'blog',
    body: 'BlogPostRequest',
    errors: [403, 404, 409],
    success: {
      status: 201,
      schema: 'BlogPost',
      description: `The scheduled post. A draft that already has a scheduled post answers 409 \`CONFLICT\`; past ${LIMITS.maxScheduledPosts} scheduled posts, 409 \`LIMIT_REACHED\`.`,
    },
  },
  'GET /v1/blog-posts': { summary: "The caller's blog posts", tag: 'blog', query: PageQuery, success: { status: 200, schema: 'BlogPostPage', description: 'Scheduled and published posts.' } },
  'GET /v1/blog-posts/{id}': { summary: 'A blog post with its markdown', tag: 'blog', success: { status: 200, schema: 'BlogPost', description: 'The post.' } },
  'DELETE /v1/blog-posts/{id}': {
    summary: 'Cancel a scheduled post',
    tag: 'blog',
    errors: [409],
    success: { status: 200, schema: 'BlogPost', description: 'The canceled post (a published one answers 409).' },
  },
  'GET /v1/admin/accounts/{accountId}/credits': {
    summary: "An account's credits (admin)",
    tag: 'admin',
    success: { status: 200, schema: 'Credits', description: 'Same shape as `GET /v1/credits`; never creates the account.' },
  },
  'POST /v1/admin/accounts/{accountId}/adjustments': {
    summary: "Adjust an account's purchased credits (admin)",
    tag: 'admin',
    body: 'AdjustmentRequest',
    idempotent: true,
    errors: [409],
    success: { status: 201, schema: 'AdjustmentResult', description: 'The adjustment and the credits after it (ledger type `adjust`).' },
  },
  'POST /v1/webhooks/subscriptions': {
    summary: 'Billing system events (subscriptions and top-ups)',
    tag: 'webhooks',
    body: 'WebhookEvent',
    signed: true,
    errors: [503],
    success: { status: 202, schema: 'WebhookReceipt', description: 'Accepted (also for a duplicate delivery or an unknown type).' },
  },
};

/** The route keys `buildOpenApi` describes by hand; any other wiring route gets a generic operation. */
export const DESCRIBED_ROUTES: ReadonlySet<string> = new Set(Object.keys(OPERATIONS));

const pathParams = (p: string): string[] => [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);

function parameters(route: RouteSpec, doc?: OperationDoc): Schema[] {
  const out: Schema[] = pathParams(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: name === 'accountId' ? fromZod(schemas.accountIdParam) : str({ minLength: 1, maxLength: 100 }),
  }));
  if (doc?.query) {
    for (const [name, field] of Object.entries(doc.query.shape as Record<string, z.ZodType>)) {
      out.push({ name, in: 'query', required: !field.safeParse(undefined).success, schema: fromZod(field) });
    }
  }
  if (doc?.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Scoped to the account and route, kept at least 24 h: a replay answers the original status and body.',
      schema: str({ minLength: 1, maxLength: 255 }),
    });
  }
  if (doc?.signed) {
    out.push({
      name: 'Webhook-Signature',
      in: 'header',
      required: true,
      description: `\`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>\`, tolerance ${LIMITS.webhookToleranceSeconds} s.`,
      schema: str({ pattern: '^t=\\d+,v1=[0-9a-f]{64}' }),
    });
  }
  return out;
}

function errorStatuses(route: RouteSpec, doc?: OperationDoc): number[] {
  const s = new Set<number>(doc?.errors ?? []);
  if (route.auth === 'jwt' || doc?.signed) s.add(401);
  if (route.scopes?.length) s.add(403);
  if (doc?.body || doc?.query || pathParams(route.path).length || !doc) s.add(400);
  if (doc?.body) s.add(413);
  if (pathParams(route.path).length) s.add(404);
  if (doc?.idempotent) s.add(409);
  return [...s].sort((a, b) => a - b);
}

function operation(route: RouteSpec): Schema {
  const key = `${route.method} ${route.path}`;
  const doc = OPERATIONS[key];
  const success = doc?.success ?? { status: route.method === 'POST' ? 201 : 200, schema: '', description: 'Success.' };
  const successHeaders = doc?.rateLimited
    ? Object.fromEntries(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'RateLimit'].map((h) => [h, { $ref: `#/components/headers/${h}` }]))
    : undefined;
  const responses: Record<string, Schema> = {
    [success.status]: {
      description: success.description,
      ...(successHeaders ? { headers: successHeaders } : {}),
      content: { 'application/json': { schema: success.schema ? ref(success.schema) : { type: 'object', additionalProperties: true } } },
    },
  };
  for (const status of errorStatuses(route, doc)) responses[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status]!.name}` };

  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/\{([^}]+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: doc?.summary ?? key,
    tags: [doc?.tag ?? 'other'],
    ...(doc ? {} : { 'x-undocumented': true }),
    security: route.auth === 'jwt' ? [{ bearerAuth: route.scopes ?? [] }] : doc?.signed ? [{ webhookSignature: [] }] : [],
    parameters: parameters(route, doc),
    ...(doc?.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(doc.body) } } } } : {}),
    responses,
  };
}

function errorResponse(status: number, e: ErrorDoc): Schema {
  const schema = {
    allOf: [
      ref('Error'),
      obj({ error: obj({ code: str({ enum: e.codes }), ...(e.details ?? {}) }, ['code']) }, ['error']),
    ],
  };
  return {
    description: `${status}: ${e.description}`,
    ...(e.headers ? { headers: Object.fromEntries(e.headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])) } : {}),
    content: { 'application/json': { schema } },
  };
}

export interface OpenApiOptions {
  /** Base URL of the API; default `/` (the server that serves the document). */
  serverUrl?: string;
}

/** The OpenAPI 3.1 document for every route in the wiring. */
export function buildOpenApi(options: OpenApiOptions = {}): Record<string, any> {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of routes()) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);

  return {
    openapi: '3.1.0',
    info: {
      title: 'AI Credits API',
      version: '1.0.0',
      description:
        'Meters and powers AI features for merchants: monthly credits by plan, spent on generation. Every error is `{"error": {"code", "message", …details}}` with a stable `code`.',
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    // No `jsonSchemaDialect`: OpenAPI 3.1's default dialect is the one these schemas use, and Swagger UI
    // renders the field as an error box at the top of /docs.
    tags: [...new Set(Object.values(paths).flatMap((ops) => Object.values(ops).flatMap((o) => o.tags as string[])))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Claims used: `sub`, `account_id` (the merchant account), `scope` (space-separated; `credits:admin` for admin routes).',
        },
        webhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Webhook-Signature',
          description: 'HMAC-SHA256 of `<t>.<raw body>` with the shared webhook secret.',
        },
      },
      schemas: SCHEMAS,
      headers: HEADERS,
      responses: Object.fromEntries(Object.entries(ERROR_RESPONSES).map(([status, e]) => [e.name, errorResponse(Number(status), e)])),
    },
  };
}

/** Absolute path of the installed swagger-ui-dist files (served under `/docs/`). */
export function swaggerUiDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** The Swagger UI page: assets from `/docs/` (swaggerUiDir()), the document from `/openapi.json`. */
export function docsHtml(options: { specUrl?: string; assetsBase?: string } = {}): string {
  const spec = JSON.stringify(options.specUrl ?? '/openapi.json');
  const base = options.assetsBase ?? '/docs';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>AI Credits API</title>
  <link rel="stylesheet" href="${base}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${base}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${base}/swagger-ui-bundle.js"></script>
  <script src="${base}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: ${spec},
      dom_id: '#swagger-ui',
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
    });
  </script>
</body>
</html>
`;
}
