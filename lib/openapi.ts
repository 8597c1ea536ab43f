/**
 * The OpenAPI 3.1 document of the public API, written from the route definitions (functions/routes/):
 * paths, methods, security, parameters, bodies, responses and error codes all come from the zod
 * schemas and flags the handlers run with (`z.toJSONSchema`, 2020-12, OpenAPI 3.1's default dialect),
 * so the document cannot say what the code does not do. What no route carries is written here: the
 * info block, the security schemes and the shared headers, whose examples the code builds too.
 * Only lib/ imports this module: no Lambda bundle carries the generator.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as z from '#zod';
import { LIMITS } from '#config';
import { rateLimitHeaders } from '#http/rate-limit-headers.ts';
import { ERRORS, errorEnvelope } from '../functions/routes/errors.ts';
import type { ErrorCode, RouteDefinition } from '../functions/routes/route.ts';
import { routeDefinition, routes } from './wiring.ts';

type Schema = Record<string, unknown>;
type Io = 'input' | 'output';

const ref = (id: string): Schema => ({ $ref: `#/components/schemas/${id}` });
const idOf = (schema: z.ZodMiniType): string | undefined => z.globalRegistry.get(schema)?.id as string | undefined;

/** zod bounds every integer by the safe range; said on every count, that bound is noise, not contract. */
const override: z.core.JSONSchemaGeneratorParams['override'] = ({ jsonSchema }) => {
  const j = jsonSchema as Schema;
  if (j.minimum === Number.MIN_SAFE_INTEGER) delete j.minimum;
  if (j.maximum === Number.MAX_SAFE_INTEGER) delete j.maximum;
};

/** One schema as JSON Schema: a request as the client sends it (`input`: defaults optional), a response as sent. */
function fromZod(schema: z.ZodMiniType, io: Io): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', override }) as Schema;
  return rest;
}

/** `Credits`, … : every schema with an `id` (`.meta({ id })`), converted once, nested ones as `$ref`s. */
function components(io: Io): Record<string, Schema> {
  const out = z.toJSONSchema(z.globalRegistry, { io, unrepresentable: 'any', override, uri: (id) => `#/components/schemas/${id}` }).schemas as Record<string, Schema>;
  return Object.fromEntries(Object.entries(out).map(([id, { $schema: _d, $id: _i, ...rest }]) => [id, rest as Schema]));
}

/** A request body or response: a component by its id; a route's schema without one is a mistake of its module. */
function named(schema: z.ZodMiniType, what: string, use: Map<string, Io>, io: Io): Schema {
  const id = idOf(schema);
  if (!id) throw new Error(`${what} has no id: give it .meta({ id }) in its route module`);
  if (use.get(id) && use.get(id) !== io) throw new Error(`schema ${id} is both a request and a response`);
  use.set(id, io);
  return ref(id);
}

const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'RateLimit'];
const headerRefs = (names: string[]) => Object.fromEntries(names.map((h) => [h, { $ref: `#/components/headers/${h}` }]));

/** The headers a route's refusal with this status carries (as functions/http/handler.ts sets them). */
function errorHeaders(status: number, def: RouteDefinition): string[] {
  const out: string[] = [];
  if (status === 429 || status === 503) out.push('Retry-After');
  if (def.rateLimited && (status === 402 || status === 429)) out.push(...RATE_LIMIT_HEADERS);
  return out;
}

const pascal = (code: string) => code.toLowerCase().replace(/(^|_)(.)/g, (_m, _s, c: string) => c.toUpperCase());
const errorId = (code: ErrorCode) => `${pascal(code)}Error`;
const pathParams = (p: string): string[] => [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);

function fields(schema: z.ZodMiniType | undefined, where: string): Record<string, z.ZodMiniType> {
  if (!schema) return {};
  if (!(schema instanceof z.ZodMiniObject)) throw new Error(`${where} must be a z.object`);
  return schema.shape as Record<string, z.ZodMiniType>;
}

function parameters(def: RouteDefinition): Schema[] {
  const params = fields(def.params, `${def.functionId} params`);
  const names = pathParams(def.path);
  // The handler validates exactly the path's parameters: a schema that names others would never see them.
  if (Object.keys(params).sort().join() !== [...names].sort().join()) throw new Error(`${def.functionId}: params ${Object.keys(params)} do not match ${def.path}`);
  const out: Schema[] = names.map((name) => ({ name, in: 'path', required: true, schema: fromZod(params[name]!, 'input') }));
  for (const [name, field] of Object.entries(fields(def.query, `${def.functionId} query`))) {
    out.push({ name, in: 'query', required: !field.safeParse(undefined).success, schema: fromZod(field, 'input') });
  }
  if (def.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Scoped to the account and route, kept at least 24 h: a replay answers the original status and body.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  if (def.signed) {
    out.push({
      name: 'Webhook-Signature',
      in: 'header',
      required: true,
      description: `\`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>\`, tolerance ${LIMITS.webhookToleranceSeconds} s.`,
      schema: { type: 'string', pattern: '^t=\\d+,v1=[0-9a-f]{64}' },
    });
  }
  return out;
}

function operation(def: RouteDefinition, use: Map<string, Io>): Schema {
  const responses: Record<string, Schema> = {
    [def.success.status]: {
      description: def.success.description,
      ...(def.rateLimited ? { headers: headerRefs(RATE_LIMIT_HEADERS) } : {}),
      content: { 'application/json': { schema: named(def.success.schema, `${def.functionId} success`, use, 'output') } },
    },
  };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of def.errors) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers = errorHeaders(status, def);
    responses[status] = {
      description: codes.map((c) => `\`${c}\`: ${ERRORS[c].description}`).join(' '),
      ...(headers.length ? { headers: headerRefs(headers) } : {}),
      content: { 'application/json': { schema: codes.length === 1 ? ref(errorId(codes[0]!)) : { oneOf: codes.map((c) => ref(errorId(c))) } } },
    };
  }
  const body = def.body ?? def.rawBody;
  return {
    operationId: `${def.method.toLowerCase()}${def.path.replace(/\{([^}]+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: def.summary,
    ...(def.description ? { description: def.description } : {}),
    tags: [def.tag],
    security: def.signed ? [{ webhookSignature: [] }] : [{ bearerAuth: def.scopes ?? [] }],
    parameters: parameters(def),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: named(body, `${def.functionId} body`, use, 'input') } } } } : {}),
    responses,
  };
}

/** The shared response headers; the RateLimit examples are what functions/http/rate-limit-headers.ts sends. */
function headers(): Record<string, Schema> {
  const sample = rateLimitHeaders({ limit: 10, remaining: 9, resetSeconds: 3412, windowSeconds: 3600 });
  const int = { type: 'integer' };
  return {
    'Retry-After': { description: 'Seconds until the request may be retried.', schema: { type: 'integer', minimum: 0 }, example: 120 },
    'RateLimit-Limit': { description: 'Generation attempts allowed per window.', schema: int, example: Number(sample['ratelimit-limit']) },
    'RateLimit-Remaining': { description: 'Attempts left in the current window.', schema: int, example: Number(sample['ratelimit-remaining']) },
    'RateLimit-Reset': { description: 'Seconds until the window (or cooldown) ends.', schema: int, example: Number(sample['ratelimit-reset']) },
    'RateLimit-Policy': { description: 'draft-ietf-httpapi-ratelimit-headers structured policy.', schema: { type: 'string' }, example: sample['ratelimit-policy'] },
    RateLimit: { description: 'draft-ietf-httpapi-ratelimit-headers structured field.', schema: { type: 'string' }, example: sample.ratelimit },
  };
}

export interface OpenApiOptions {
  /** Base URL of the API; default `/` (the server that serves the document). */
  serverUrl?: string;
}

/** The OpenAPI 3.1 document of every route the wiring serves. */
export function buildOpenApi(options: OpenApiOptions = {}): Record<string, any> {
  const paths: Record<string, Record<string, Schema>> = {};
  const use = new Map<string, Io>();
  const codes = new Set<ErrorCode>();
  for (const r of routes()) {
    const def = routeDefinition(r.fn.id);
    if (!def || def.method !== r.method || def.path !== r.path) throw new Error(`${r.method} ${r.path} (${r.fn.id}) is served without its definition in functions/routes/`);
    (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(def, use);
    def.errors.forEach((c) => codes.add(c));
  }
  const request = components('input');
  const response = components('output');
  const schemas: Record<string, Schema> = {
    Error: {
      ...fromZod(z.object({ error: z.looseObject({ code: z.string(), message: z.string() }) }), 'output'),
      description: 'Every refusal: a stable `code`, a message, and details that depend on the code.',
      example: { error: { code: 'INSUFFICIENT_CREDITS', message: 'This needs 1 credit and you have 0.', action: 'upgrade', required: 1, available: 0 } },
    },
  };
  // Only the components the operations reach, each from the conversion its use needs.
  const reached = (id: string, io: Io) => {
    if (schemas[id]) return;
    const s = (io === 'input' ? request : response)[id];
    if (!s) throw new Error(`no component ${id}`);
    schemas[id] = s;
    for (const m of JSON.stringify(s).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) reached(m[1]!, io);
  };
  for (const [id, io] of use) reached(id, io);
  for (const code of [...codes].sort()) schemas[errorId(code)] = { ...fromZod(errorEnvelope(code), 'output'), description: `${ERRORS[code].status}: ${ERRORS[code].description}` };

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
      schemas,
      headers: headers(),
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
