/**
 * The shared middy stack of every HTTP handler: observability (Powertools Logger, Tracer, Metrics),
 * header normalisation, the error envelope, caller and scope checks, the body-size limit, JSON parsing and zod validation (in the contract's order:
 * 401, 413, 400), then Powertools idempotency when a route honours `Idempotency-Key`.
 * A handler states its schemas and calls one use case.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ZodType } from 'zod';
import { LIMITS } from '../config.ts';
import { DomainError, PayloadTooLarge, ValidationFailed } from '../core/errors.ts';
import { callerOf, requireScope, type Caller } from './auth.ts';
import type { Deps } from '../composition/compose.ts';
import { errorResponse, json, zodIssues } from './errors.ts';
import { refuseUndecodable } from './params.ts';
import { rateLimitHeaders } from './rate-limit-headers.ts';
import { observability } from '../observability/middleware.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface HttpRequest<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  caller: Caller;
  headers: Record<string, string | undefined>;
  rawBody: string;
  event: APIGatewayProxyEventV2;
  /** The request's `Idempotency-Key`, on routes that honour one. */
  idempotencyKey?: string;
}

export interface HttpSpec<B, Q, P> {
  /** The function's composition (functions/composition/): the ports this handler may use. */
  deps: Deps;
  body?: ZodType<B>;
  query?: ZodType<Q>;
  params?: ZodType<P>;
  /** `none` for routes without a JWT (webhooks). */
  auth?: 'jwt' | 'none';
  scope?: string;
  /** Honour `Idempotency-Key` (Powertools idempotency, keyed by account, route and key). */
  idempotent?: boolean;
  maxBodyBytes?: number;
}

export type Event = APIGatewayProxyEventV2 & { idempotencyScope?: string | null; idempotencyPayload?: unknown; parsed?: unknown };

export const ok = (body: unknown, headers?: Record<string, string>): HttpResult => json(200, body, headers);
export const created = (body: unknown, headers?: Record<string, string>): HttpResult => json(201, body, headers);
export const accepted = (body: unknown): HttpResult => json(202, body);

export function rawBodyOf(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function parse<T>(schema: ZodType<T> | undefined, value: unknown, prefix: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) throw zodIssues(r.error, prefix);
  return r.data;
}

export function httpHandler<B = undefined, Q = undefined, P = undefined>(
  spec: HttpSpec<B, Q, P>,
  fn: (req: HttpRequest<B, Q, P>, deps: Deps) => Promise<HttpResult>,
) {
  const limit = spec.maxBodyBytes ?? LIMITS.maxBodyBytes;
  const chain = middy<Event, HttpResult, Error, Context>()
    .use(observability())
    .use(httpHeaderNormalizer())
    .use({
      onError: (request) => {
        const err = request.error;
        const headers = err instanceof DomainError ? { ...err.headers, ...(err.rateLimit ? rateLimitHeaders(err.rateLimit) : {}) } : {};
        request.response = errorResponse(err, headers);
      },
    })
    .use({
      before: (request) => {
        const event = request.event;
        const caller = spec.auth === 'none' ? ({ sub: '', accountId: '', scopes: [] } as Caller) : callerOf(event as never);
        if (spec.scope) requireScope(caller, spec.scope);
        const raw = rawBodyOf(event);
        if (Buffer.byteLength(raw, 'utf8') > limit) throw new PayloadTooLarge(limit);
        let body: unknown = undefined;
        if (spec.body) {
          try {
            body = raw === '' ? undefined : JSON.parse(raw);
          } catch {
            throw new ValidationFailed([{ path: '(body)', message: 'The body is not valid JSON.' }], 'Malformed JSON body.');
          }
        }
        refuseUndecodable(event.pathParameters, event.queryStringParameters);
        const req: HttpRequest<B, Q, P> = {
          body: parse(spec.body, body, ''),
          query: parse(spec.query, event.queryStringParameters ?? {}, 'query'),
          params: parse(spec.params, event.pathParameters ?? {}, 'path'),
          caller,
          headers: event.headers ?? {},
          rawBody: raw,
          event,
        };
        event.parsed = req;
        const key = event.headers?.['idempotency-key'];
        if (spec.idempotent && key !== undefined) {
          if (key.length < 1 || key.length > 255) throw new ValidationFailed([{ path: 'Idempotency-Key', message: 'must be 1–255 characters' }]);
          event.idempotencyScope = `${caller.accountId}|${event.routeKey}|${key}`;
          req.idempotencyKey = key;
          event.idempotencyPayload = { path: event.rawPath, body: req.body ?? null };
        } else {
          event.idempotencyScope = null;
        }
      },
    });
  // The middleware comes with the function's idempotency port, so only those functions carry Powertools idempotency.
  if (spec.idempotent) chain.use(spec.deps.idempotency);
  return chain.handler(async (event) => fn(event.parsed as HttpRequest<B, Q, P>, spec.deps));
}
