/** Pieces every route module shares: pages, path ids and page queries. */
import * as z from 'zod';

export const dateTime = z.iso.datetime();

/** A page of items, newest first; `nextCursor` is null on the last page. */
export const page = <T extends z.ZodType>(item: T, id: string, description?: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id, ...(description ? { description } : {}) });

/** `{id}` of a resource the caller owns. */
export const IdParams = z.object({ id: z.string().min(1).max(100) });

/**
 * `?limit=&cursor=`: a page size (default per list) and the opaque `nextCursor` of a previous page, whose
 * length cap is the longest cursor that list issues.
 */
export const pageQuery = (defaultLimit: number, cursorMax: number) =>
  z.object({
    limit: z.coerce.number().int().min(1).max(100).default(defaultLimit),
    cursor: z.string().min(1).max(cursorMax).optional(),
  });
