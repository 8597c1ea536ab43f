/**
 * Opaque page cursors: base64url of a small JSON object. A cursor comes back from the client, so it is
 * input like any other: it is accepted only when it parses (zod, exact shape, integer and range checks)
 * to a value this API could have issued *and* re-encodes to the very same string. Anything else (bad
 * base64, a fraction where a sequence number goes, extra keys, a forged sort key) is a 400, never a
 * query DynamoDB would refuse with a 500.
 */
import * as z from '#zod';
import { ValidationFailed } from '../core/errors.ts';

export const encodeCursor = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

export function decodeCursor<S extends z.ZodMiniType>(cursor: string, schema: S, path = 'query.cursor'): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const r = schema.safeParse(value);
  // Node's base64url decoder skips characters outside the alphabet; re-encoding catches those and any
  // other spelling of the same value (whitespace, key order, `1.0`), so only issued strings pass.
  if (!r.success || encodeCursor(r.data) !== cursor) {
    throw new ValidationFailed([{ path, message: 'not a cursor this API returned' }]);
  }
  return r.data;
}

/** The random part and time of `newId`/`derivedId`: `<prefix>_` + 22 characters of its alphabet. */
export const idOf = (prefix: string) => z.string().check(z.regex(new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{22}$`)));

/** A ledger sequence number: issued cursors point below an entry with seq ≥ 2. */
export const LedgerCursor = z.strictObject({ before: z.number().check(z.int(), z.gte(2), z.lte(Number.MAX_SAFE_INTEGER)) });
