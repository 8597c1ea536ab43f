/**
 * One definition per HTTP route: its method and path, who may call it, whether it honours
 * `Idempotency-Key` or counts against the generation rate limit, the zod schemas of what it takes and
 * answers, and the error codes it can refuse with. The handler wrapper (functions/http/handler.ts)
 * validates and replies from it, lib/wiring.ts and through it CDK and the local server route and grant
 * from it, and lib/openapi.ts writes the OpenAPI document from it; none of them restates a field.
 *
 * Each route is its own module (`functions/routes/<function id>.ts`), so a handler's bundle carries its
 * own schemas only; `index.ts` lists them all for lib/ and the tests.
 */
import type { ZodMiniType as ZodType } from '#zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The stable error codes of docs/contract.md; functions/routes/errors.ts says each one's status and details. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'INVALID_SIGNATURE'
  | 'INSUFFICIENT_CREDITS'
  | 'PLAN_UPGRADE_REQUIRED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'ADJUSTMENT_EXCEEDS_BALANCE'
  | 'ALREADY_PUBLISHED'
  | 'LIMIT_REACHED'
  | 'IDEMPOTENCY_CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'COOLDOWN_ACTIVE'
  | 'GENERATION_FAILED'
  | 'SERVICE_UNAVAILABLE';

export interface RouteInput<P extends ZodType | undefined, Q extends ZodType | undefined, B extends ZodType | undefined> {
  /** The function that serves it: its id in lib/wiring.ts and its handler `functions/handlers/<fn>.ts`. */
  functionId: string;
  method: HttpMethod;
  /** API Gateway HTTP API path syntax: `/v1/generations/{id}`. */
  path: string;
  /**
   * `jwt`: the HTTP API JWT authorizer (locally the local server's check); `signed`: no JWT, the handler
   * verifies the billing system's `Webhook-Signature` over the raw body.
   */
  auth: 'jwt' | 'signed';
  /** Scopes the authorizer requires (AWS) and the local server checks alike; the handler checks them again. */
  scopes?: string[];
  /** Honours `Idempotency-Key` (Powertools idempotency, keyed by account, route and key). */
  idempotent?: boolean;
  /** The largest body accepted, in bytes (`LIMITS.maxBodyBytes` unless a route says otherwise). */
  bodyLimitBytes?: number;
  /** A generation attempt: it answers the RateLimit headers, on success and on 402/429. */
  rateLimited?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A body the handler reads raw instead (a signed route checks the signature over the exact bytes
   * before parsing): documented, not validated by the wrapper.
   */
  rawBody?: ZodType;
  /** The success reply: the handler's value is sent with this status. */
  success: { status: 200 | 201 | 202; schema: ZodType; description: string };
  /**
   * Codes this route's own logic can refuse with. Those every route of its kind answers are added by
   * `route()`: 400 (an undecodable parameter, a bad body), 413 (a body over the limit, on any method),
   * 401, 403 `FORBIDDEN` with scopes, 409 `IDEMPOTENCY_CONFLICT` when idempotent.
   */
  errors?: ErrorCode[];
  summary: string;
  description?: string;
  tag: string;
}

export interface RouteDefinition<P extends ZodType | undefined = ZodType | undefined, Q extends ZodType | undefined = ZodType | undefined, B extends ZodType | undefined = ZodType | undefined>
  extends Omit<RouteInput<P, Q, B>, 'auth' | 'errors'> {
  /** What the authorizer in front of the function checks: none on a signed route. */
  auth: 'jwt' | 'none';
  /** Signed by the billing system (`Webhook-Signature`) instead of a JWT. */
  signed: boolean;
  idempotent: boolean;
  rateLimited: boolean;
  /** Every code the route can answer, its own and those of its kind, each once. */
  errors: readonly ErrorCode[];
}

/** A route's definition, with the codes every route of its kind answers. */
export function route<P extends ZodType | undefined = undefined, Q extends ZodType | undefined = undefined, B extends ZodType | undefined = undefined>(
  input: RouteInput<P, Q, B>,
): RouteDefinition<P, Q, B> {
  const signed = input.auth === 'signed';
  // The wrapper checks the body size and decodes the parameters of every route, a GET's too.
  const common: ErrorCode[] = ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE'];
  if (input.auth === 'jwt') common.push('UNAUTHORIZED');
  if (signed) common.push('INVALID_SIGNATURE');
  if (input.scopes?.length) common.push('FORBIDDEN');
  if (input.idempotent) common.push('IDEMPOTENCY_CONFLICT');
  return {
    ...input,
    auth: signed ? 'none' : 'jwt',
    signed,
    idempotent: input.idempotent ?? false,
    rateLimited: input.rateLimited ?? false,
    errors: [...new Set([...common, ...(input.errors ?? [])])],
  };
}
