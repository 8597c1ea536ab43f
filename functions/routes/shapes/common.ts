/** Pieces every route module shares: pages, path ids and page queries. */
import * as z from '#zod';

export const dateTime = z.iso.datetime();

/** The buckets a credit sits in (the ledger and the balance's sources). */
export const BUCKETS = ['allowance', 'purchased', 'grant'] as const;

/** A count of credits or items: an integer, never negative. */
export const count = z.int().check(z.gte(0));

/** A page of items, newest first; `nextCursor` is null on the last page. */
export const page = <T extends z.ZodMiniType>(item: T, id: string, description?: string) =>
  z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) }).clone().register(z.globalRegistry, { id, ...(description ? { description } : {}) });

/** `{id}` of a resource the caller owns. */
export const IdParams = z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) });

/**
 * `?limit=&cursor=`: a page size (default per list) and the opaque `nextCursor` of a previous page, whose
 * length cap is the longest cursor that list issues.
 */
export const pageQuery = (defaultLimit: number, cursorMax: number) =>
  z.object({
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), defaultLimit),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(cursorMax))),
  });

/** `{productId}` in a path: the merchant's own product id. */
export const productIdParam = z.string().check(z.minLength(1), z.maxLength(100));
