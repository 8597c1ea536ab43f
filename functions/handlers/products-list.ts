import { httpHandler } from '../http/handler.ts';
import { compose } from '../composition/compose.ts';
import { jobStore } from '../composition/job-store.ts';
import route from '../routes/products-list.ts';

/** The ports this function uses: its bundle carries these adapters and its environment schema their keys. */
export const composition = compose('products-list', [jobStore]);

export const handler = httpHandler(route, composition, async ({ caller, query }, deps) => {
  const page = await deps.jobs.listProducts(caller.accountId, query.limit, query.cursor);
  return {
    items: page.items.map((p) => ({ productId: p.productId, name: p.name ?? null, description: p.description !== null, seo: p.seo !== null, image: p.image !== null, updatedAt: p.updatedAt ?? null })),
    nextCursor: page.nextCursor,
  };
});
