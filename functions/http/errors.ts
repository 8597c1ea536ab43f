/**
 * The one mapper from errors to the `{error:{code,message,...details}}` envelope of docs/contract.md.
 * Unknown errors become a logged 500 INTERNAL: no input may produce one, so it marks a bug.
 * Every 5xx says why in the log: a 502 (the model failed, the credits were refunded) at WARN with the
 * model error's name, kind and request id; every other 5xx at ERROR. Never the prompt, the model's
 * text, tokens or the merchant's input: only names, codes and ids.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
// The error class every zod/mini parse throws (zod/mini re-exports this same module as `core`).
import { $ZodError as ZodError } from 'zod/v4/core';
import { DomainError, GenerationFailed, IdempotencyConflict, ModelFailure, ValidationFailed } from '../core/errors.ts';
import { log } from '../observability/log.ts';

export function zodIssues(err: ZodError, prefix = ''): ValidationFailed {
  return new ValidationFailed(
    err.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: i.message })),
  );
}

/** Maps library errors that stand for a domain refusal onto the taxonomy. */
function normalise(err: unknown): unknown {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'IdempotencyValidationError') return new IdempotencyConflict('This Idempotency-Key was already used with a different request body.');
  if (name === 'IdempotencyAlreadyInProgressError') return new IdempotencyConflict('A request with this Idempotency-Key is still in progress.');
  if (err instanceof ZodError) return zodIssues(err);
  if (err instanceof SyntaxError && /JSON/.test(err.message)) {
    return new ValidationFailed([{ path: '(body)', message: 'The body is not valid JSON.' }], 'Malformed JSON body.');
  }
  return err;
}

export function errorResponse(raw: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  const err = normalise(raw);
  if (err instanceof GenerationFailed) log.warn('generation failed', { status: err.status, code: err.code, creditsRefunded: err.creditsRefunded, cause: causeOf(err) });
  else if (err instanceof DomainError && err.status >= 500) log.error('request failed', { status: err.status, code: err.code, cause: causeOf(err) });
  if (err instanceof DomainError) {
    return json(err.status, { error: { code: err.code, message: err.message, ...err.details() } }, headers);
  }
  log.error('unhandled error', { error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) });
  return json(500, { error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } }, headers);
}

/**
 * What made a 5xx happen, without any message text (a model's message may quote the prompt): the
 * model failure kind, the underlying error's name, HTTP status and AWS request id.
 */
export function causeOf(err: unknown): Record<string, unknown> | undefined {
  let cause = (err as { cause?: unknown }).cause;
  if (cause === undefined) return undefined;
  const out: Record<string, unknown> = {};
  if (cause instanceof ModelFailure) {
    out.kind = cause.kind;
    if (cause.cause === undefined) out.name = 'ModelFailure';
    cause = cause.cause ?? {};
  }
  const c = cause as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number; requestId?: string } };
  if (typeof c.name === 'string') out.name = c.name;
  if (typeof c.code === 'string') out.errorCode = c.code;
  if (c.$metadata?.httpStatusCode) out.httpStatus = c.$metadata.httpStatusCode;
  if (c.$metadata?.requestId) out.requestId = c.$metadata.requestId;
  return out;
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
