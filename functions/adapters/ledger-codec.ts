/**
 * The compact stored form of ledger entries: one JSON array per entry, with one-letter codes for the
 * type, bucket and feature and no timestamp when the entry id already carries it (ids are time-ordered,
 * `ids.ts`). About 80 bytes instead of 250, which keeps the balance item under 1 KB with its outbox,
 * and every write of it at one write unit. Unknown codes are stored verbatim, so decoding never guesses.
 */
import type { FeatureId } from '../config.ts';
import { idTime } from '../core/ids.ts';
import type { Bucket, LedgerType, NewLedgerEntry } from '../core/ports.ts';

const TYPE: Record<string, string> = { grant: 'g', reset: 'r', refresh: 'f', charge: 'c', refund: 'u', top_up: 't', adjust: 'a' };
const FEATURE: Record<string, string> = { product_description: 'd', seo_meta: 's', image_enhancement: 'i', blog_post: 'b', website_design: 'w' };
const invert = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k]));
const TYPE_OF = invert(TYPE);
const FEATURE_OF = invert(FEATURE);

type Encoded = [string, string, number, string, string | null, string | null, string | null, string | null, string | null, string | null];

export function encodeEntry(e: NewLedgerEntry): string {
  const at = idTime(e.id)?.toISOString() === e.at ? null : e.at;
  const fields: Encoded = [
    e.id,
    TYPE[e.type] ?? e.type,
    e.amount,
    e.bucket === 'allowance' ? 'a' : 'p',
    at,
    e.feature ? (FEATURE[e.feature] ?? e.feature) : null,
    e.generationId ?? null,
    e.productId ?? null,
    e.topUpId ?? null,
    e.reason ?? null,
  ];
  let end = fields.length;
  while (end > 4 && fields[end - 1] === null) end--;
  return JSON.stringify(fields.slice(0, end));
}

export function decodeEntry(s: string): NewLedgerEntry {
  const [id, type, amount, bucket, at, feature, generationId, productId, topUpId, reason] = JSON.parse(s) as Partial<Encoded>;
  const e: NewLedgerEntry = {
    id: id!,
    at: at ?? idTime(id!)!.toISOString(),
    type: (TYPE_OF[type!] ?? type) as LedgerType,
    amount: amount!,
    bucket: (bucket === 'a' ? 'allowance' : 'purchased') as Bucket,
  };
  if (feature) e.feature = (FEATURE_OF[feature] ?? feature) as FeatureId;
  if (generationId) e.generationId = generationId;
  if (productId) e.productId = productId;
  if (topUpId) e.topUpId = topUpId;
  if (reason) e.reason = reason;
  return e;
}
