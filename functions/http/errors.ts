/**
 * The one mapper from errors to the `{error:{code,message,...details}}` envelope of API.md.
 * Unknown errors become a logged 500 INTERNAL: no input may produce one, so it marks a bug.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ZodError } from 'zod';
import { DomainError, IdempotencyConflict, ValidationFailed } from '../core/errors.ts';
import { log } from './log.ts';

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
  if (err instanceof DomainError) {
    return json(err.status, { error: { code: err.code, message: err.message, ...err.details() } }, headers);
  }
  log.error('unhandled error', { error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) });
  return json(500, { error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } }, headers);
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
