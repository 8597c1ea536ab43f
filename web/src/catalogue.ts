/** The catalogue view's rows: the demo catalogue merged with what the service holds (`GET /v1/products`). */
import type { DemoProduct } from './demo-catalogue.ts';
import type { InputOf, ProductListItem } from './types.ts';

export interface Row {
  productId: string;
  name: string;
  category: string | null;
  /** The AI's input for the product, when the page knows its details (the demo catalogue). */
  input: InputOf<'product_description'> | null;
  has: { description: boolean; seo: boolean; image: boolean };
  updatedAt: string | null;
}

function inputOf(p: DemoProduct): InputOf<'product_description'> {
  const input: InputOf<'product_description'> = { name: p.name };
  if (p.category) input.category = p.category;
  if (p.features?.length) input.features = p.features;
  if (p.keywords?.length) input.keywords = p.keywords;
  if (p.tone) input.tone = p.tone;
  return input;
}

/** The demo catalogue first, in its order, then products only the service knows (no details to generate from). */
export function catalogueRows(demo: readonly DemoProduct[], stored: readonly ProductListItem[]): Row[] {
  const byId = new Map(stored.map((p) => [p.productId, p]));
  const has = (p: ProductListItem | undefined) => ({ description: p?.description === true, seo: p?.seo === true, image: p?.image === true });
  const rows: Row[] = demo.map((p) => {
    const s = byId.get(p.productId);
    return { productId: p.productId, name: p.name, category: p.category ?? null, input: inputOf(p), has: has(s), updatedAt: s?.updatedAt ?? null };
  });
  const known = new Set(demo.map((p) => p.productId));
  for (const s of stored) {
    if (!known.has(s.productId)) rows.push({ productId: s.productId, name: s.name || s.productId, category: null, input: null, has: has(s), updatedAt: s.updatedAt ?? null });
  }
  return rows;
}

