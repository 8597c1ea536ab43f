/**
 * The shared middy stack of every HTTP handler: observability (Powertools Logger, Tracer, Metrics),
 * header normalisation, the error envelope, caller and scope checks, the body-size limit, JSON parsing and zod validation (in the contract's order:
 * 401, 413, 400), then Powertools idempotency when a route honours `Idempotency-Key`.
 * A handler names its route definition (functions/routes/) and calls one use case.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from '#zod';
import type { ZodMiniType as ZodType } from '#zod';
import { LIMITS } from '../config.ts';
import { DomainError, PayloadTooLarge, ValidationFailed } from '../core/errors.ts';
import { callerOf, requireScope, type Caller } from './auth.ts';
import type { Composition, Deps } from '../composition/compose.ts';
import type { Event, HttpResult } from './event.ts';
import type { RouteDefinition } from '../routes/route.ts';
import { errorResponse, json, zodIssues } from './errors.ts';
import { refuseUndecodable } from './params.ts';
import { rateLimitHeaders } from './rate-limit-headers.ts';
import { observability } from '../observability/middleware.ts';

type Out<S> = S extends ZodType ? z.output<S> : undefined;

export interface HttpRequest<R extends RouteDefinition> {
  body: R extends RouteDefinition<any, any, infer B> ? Out<B> : never;
  query: R extends RouteDefinition<any, infer Q, any> ? Out<Q> : never;
  params: R extends RouteDefinition<infer P, any, any> ? Out<P> : never;
  caller: Caller;
  headers: Record<string, string | undefined>;
  rawBody: string;
  event: APIGatewayProxyEventV2;
  /** The request's `Idempotency-Key`, on routes that honour one. */
  idempotencyKey?: string;
}

/** A reply with headers beside the body (RateLimit fields); its status is the route's success status. */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

export function rawBodyOf(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function parse(schema: ZodType | undefined, value: unknown, prefix: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (!r.success) throw zodIssues(r.error, prefix);
  return r.data;
}

/**
 * The handler of one route: `route` says how to check and parse the request and which status answers
 * success; `fn` returns the body (or a `Reply` with headers). `composition` must be the route's
 * function's: a handler wired to another function's route fails at cold start.
 */
export function httpHandler<R extends RouteDefinition>(route: R, composition: Composition, fn: (req: HttpRequest<R>, deps: Deps) => Promise<unknown>) {
  if (composition.fn !== route.functionId) throw new Error(`${composition.fn}: its handler serves the route of ${route.functionId} (${route.method} ${route.path})`);
  const deps = composition.deps;
  const limit = route.bodyLimitBytes ?? LIMITS.maxBodyBytes;
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
        const caller = route.auth === 'none' ? ({ sub: '', accountId: '', scopes: [] } as Caller) : callerOf(event as never);
        for (const scope of route.scopes ?? []) requireScope(caller, scope);
        const raw = rawBodyOf(event);
        if (Buffer.byteLength(raw, 'utf8') > limit) throw new PayloadTooLarge(limit);
        let body: unknown = undefined;
        if (route.body) {
          try {
            body = raw === '' ? undefined : JSON.parse(raw);
          } catch {
            throw new ValidationFailed([{ path: '(body)', message: 'The body is not valid JSON.' }], 'Malformed JSON body.');
          }
        }
        refuseUndecodable(event.pathParameters, event.queryStringParameters);
        const req = {
          body: parse(route.body, body, ''),
          query: parse(route.query, event.queryStringParameters ?? {}, 'query'),
          params: parse(route.params, event.pathParameters ?? {}, 'path'),
          caller,
          headers: event.headers ?? {},
          rawBody: raw,
          event,
        } as HttpRequest<R>;
        event.parsed = req;
        const key = event.headers?.['idempotency-key'];
        if (route.idempotent && key !== undefined) {
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
  // Reading it at cold start also fails a route that honours the key but lacks the port.
  if (route.idempotent) chain.use(deps.idempotency);
  return chain.handler(async (event) => {
    const out = await fn(event.parsed as HttpRequest<R>, deps);
    return out instanceof Reply ? json(route.success.status, out.body, out.headers) : json(route.success.status, out);
  });
}
