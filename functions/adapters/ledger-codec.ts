/**
 * The compact stored form of ledger entries and holds: one JSON array each, short codes for the type,
 * bucket and feature, no id prefixes, and no timestamp when the entry id already carries it (ids are
 * time-ordered, `ids.ts`). A charge entry is about 70 bytes instead of 250, which keeps the balance
 * item under 1 KB with a full outbox block and a hold, and every write of it at one write unit.
 *
 * Two entry shapes are read: `[id, type, amount, bucket, at, feature, generationId, productId, topUpId,
 * reason, parts, grantId]` (the first list format: its fourth field is always a bucket letter, `a`, `p`
 * or `g`) and the current `[id, code, amount, at, generationId, productId, topUpId, reason, parts,
 * grantId]`, where `code` is type + bucket (+ feature) letters and `parts` lists a charge's or refund's
 * sources as `[bucket letter, amount, id?]` (absent when it had one part, its own bucket). An entry with a type or feature that has no letter, or an id of another shape, is written in
 * the first shape, verbatim, so decoding never guesses.
 */
import type { FeatureId } from '../config.ts';
import { idTime } from '../core/ids.ts';
import type { Bucket, LedgerType, NewLedgerEntry, SourcePart } from '../core/ports.ts';

const TYPE: Record<string, string> = { grant: 'g', reset: 'r', refresh: 'f', charge: 'c', refund: 'u', top_up: 't', adjust: 'a', expire: 'x' };
const BUCKET: Record<Bucket, string> = { allowance: 'a', purchased: 'p', grant: 'g' };
const BUCKET_OF: Record<string, Bucket> = { a: 'allowance', p: 'purchased', g: 'grant' };
/** A charge's or refund's parts: `[bucket letter, amount, id?]` each. */
type StoredPart = [string, number, string?];
/** Parts are stored unless they say nothing the entry does not (one part, its own bucket and amount, no id). */
const encodeParts = (e: NewLedgerEntry): StoredPart[] | null => {
  const parts = e.sources;
  if (!parts || (parts.length === 1 && parts[0].id === undefined && parts[0].bucket === e.bucket && parts[0].amount === e.amount)) return null;
  return parts.map((p): StoredPart => (p.id === undefined ? [BUCKET[p.bucket], p.amount] : [BUCKET[p.bucket], p.amount, p.id]));
};
const decodeParts = (stored: StoredPart[]): SourcePart[] =>
  stored.map(([b, amount, id]) => ({ bucket: BUCKET_OF[b], ...(id === undefined ? {} : { id }), amount }));
export const FEATURE: Record<string, string> = { product_description: 'd', seo_meta: 's', image_enhancement: 'i', blog_post: 'b', website_design: 'w' };
const invert = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k]));
const TYPE_OF = invert(TYPE);
export const FEATURE_OF = invert(FEATURE);

/** `led_x` → `x` (and back): the prefix is the same for every entry, so it is not stored. */
const strip = (id: string | undefined, prefix: string): string | undefined => (id?.startsWith(`${prefix}_`) ? id.slice(prefix.length + 1) : id);
const unstrip = (id: string, prefix: string): string => (id.includes('_') ? id : `${prefix}_${id}`);

type Field = string | number | null | StoredPart[];

/** Drops trailing empty fields (0 or null). */
function trim(fields: Field[], keep: number): Field[] {
  let end = fields.length;
  while (end > keep && (fields[end - 1] === null || fields[end - 1] === 0)) end--;
  return fields.slice(0, end);
}

export function encodeEntry(e: NewLedgerEntry): string {
  const at = idTime(e.id)?.toISOString() === e.at ? null : e.at;
  const type = TYPE[e.type];
  const feature = e.feature ? FEATURE[e.feature] : '';
  const plainIds = e.id.startsWith('led_') && (e.generationId === undefined || e.generationId.startsWith('gen_'));
  if (type === undefined || feature === undefined || !plainIds) {
    // The first shape, verbatim: nothing here has a letter to stand for it.
    const fields: Field[] = [e.id, type ?? e.type, e.amount, BUCKET[e.bucket], at, e.feature ?? null, e.generationId ?? null, e.productId ?? null, e.topUpId ?? null, e.reason ?? null, encodeParts(e), e.grantId ?? null];
    return JSON.stringify(trim(fields, 4));
  }
  // Empty fields are 0 (one byte) rather than null (four).
  const code = `${type}${BUCKET[e.bucket]}${feature}`;
  const fields: Field[] = [strip(e.id, 'led')!, code, e.amount, at ?? 0, strip(e.generationId, 'gen') ?? 0, e.productId ?? 0, e.topUpId ?? 0, e.reason ?? 0, encodeParts(e) ?? 0, e.grantId ?? 0];
  return JSON.stringify(trim(fields, 3));
}

export function decodeEntry(s: string): NewLedgerEntry {
  const f = JSON.parse(s) as Field[];
  // In the current shape the fourth field is a time or 0, never a bucket letter.
  if (f.length >= 4 && typeof f[3] === 'string' && f[3] in BUCKET_OF) return decodeFirstShape(f);
  const [id, code, amount, at, generationId, productId, topUpId, reason, parts, grantId] = f as [string, string, number, ...Field[]];
  const e: NewLedgerEntry = {
    id: unstrip(id, 'led'),
    at: typeof at === 'string' ? at : idTime(unstrip(id, 'led'))!.toISOString(),
    type: TYPE_OF[code[0]] as LedgerType,
    amount,
    bucket: BUCKET_OF[code[1]] ?? 'purchased',
  };
  if (code[2]) e.feature = FEATURE_OF[code[2]] as FeatureId;
  if (typeof generationId === 'string') e.generationId = unstrip(generationId, 'gen');
  if (typeof productId === 'string') e.productId = productId;
  if (typeof topUpId === 'string') e.topUpId = topUpId;
  if (typeof reason === 'string') e.reason = reason;
  if (Array.isArray(parts)) e.sources = decodeParts(parts);
  if (typeof grantId === 'string') e.grantId = grantId;
  return e;
}

function decodeFirstShape([id, type, amount, bucket, at, feature, generationId, productId, topUpId, reason, parts, grantId]: Field[]): NewLedgerEntry {
  const e: NewLedgerEntry = {
    id: id as string,
    at: (at as string | null) ?? idTime(id as string)!.toISOString(),
    type: (TYPE_OF[type as string] ?? type) as LedgerType,
    amount: amount as number,
    bucket: BUCKET_OF[bucket as string],
  };
  if (feature) e.feature = (FEATURE_OF[feature as string] ?? feature) as FeatureId;
  if (generationId) e.generationId = generationId as string;
  if (productId) e.productId = productId as string;
  if (topUpId) e.topUpId = topUpId as string;
  if (reason) e.reason = reason as string;
  if (Array.isArray(parts)) e.sources = decodeParts(parts);
  if (typeof grantId === 'string') e.grantId = grantId;
  return e;
}
