/**
 * Generations (`GEN#id`), product content (`PRODUCT#id`) and the store design (`STORE#design`), in the
 * account's item collection: another account's id simply is not there, which makes it a 404.
 *
 * A generation is written with the table's TTL attribute (`expiresAt`, `GENERATION_TTL_DAYS` after it was
 * created), so the unselected ones, the bulk of the table, expire. Selecting a variant removes the TTL:
 * the chosen generation stays as long as the content taken from it. Product content, the store design
 * and the ledger never carry the attribute.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#zod';
import type { FeatureId } from '../config.ts';
import type { FailedGeneration, GenerationRecord, GenerationStore, GenerationSummary, ProductContent, PutOptions } from '../core/generation-store.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { batchPut, isConditionFailure, queryAll } from './dynamo-client.ts';
import { TABLE } from '../resources.ts';
import { accountPk } from './dynamo-store.ts';
import { log } from '../observability/log.ts';

const TTL = TABLE.ttlAttribute;

/**
 * A generation is written once and read whole, and DynamoDB bills a write per started KB: its input and
 * variants are stored as one Brotli-compressed JSON attribute `z` (a two-variant description of ~900
 * bytes becomes ~470), and the id and account, which the key already holds, are not repeated. That keeps
 * a typical text generation at one write unit. Items written before are read as they are.
 */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 6, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };

/** The shard of the `usage-by-time` index an item goes to (stable by generation id, so writes spread). */
export const USAGE_SHARDS = 8;
export function usageShardOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return `use#${h % USAGE_SHARDS}`;
}

function toItem(g: GenerationRecord, ttlDays: number): Record<string, unknown> {
  const { id, accountId, input, variants, ...rest } = g;
  const expiresAt = Math.ceil(Date.parse(g.createdAt) / 1000) + ttlDays * 86_400;
  return { pk: accountPk(accountId), sk: `GEN#${id}`, ...rest, ush: usageShardOf(id), z: brotliCompressSync(JSON.stringify({ input, variants }), BROTLI), [TTL]: expiresAt };
}

/** The most generation summaries one list request reads (a few months of a busy account). */
const LIST_READ_MAX = 5000;
const ListCursor = z.strictObject({ createdAt: z.iso.datetime(), id: z.string().check(z.minLength(1), z.maxLength(200)) });

/** A failed generation's fact is read by the daily rollup within two days; it is kept a little longer. */
const FAILURE_TTL_DAYS = 7;

function fromItem(accountId: string, id: string, item: Record<string, unknown>): GenerationRecord {
  const { pk: _p, sk: _s, [TTL]: _e, ush: _u, z, ...rest } = item;
  const body = z instanceof Uint8Array ? (JSON.parse(brotliDecompressSync(z).toString('utf8')) as Pick<GenerationRecord, 'input' | 'variants'>) : {};
  return { id, accountId, ...rest, ...body } as GenerationRecord;
}

export class DynamoGenerationStore implements GenerationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    /** How long an unselected generation is kept. */
    private readonly ttlDays = 180,
  ) {}

  async putGeneration(g: GenerationRecord, opts: PutOptions = {}): Promise<boolean> {
    const alongside = opts.alongside;
    if (alongside && opts.freshId) {
      // A freshly minted random id cannot exist yet, so the generation needs no condition and can share
      // one BatchWriteItem with the ledger block its charge completed.
      try {
        await this.batchPut([toItem(g, this.ttlDays), ...alongside.items]);
        alongside.done(true);
        return true;
      } catch (err) {
        alongside.done(false);
        throw err;
      }
    }
    // Beside the conditional put, in parallel, when there is something to write alongside.
    const companion = alongside ? this.batchPut(alongside.items).then(() => true, () => false) : undefined;
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: toItem(g, this.ttlDays), ConditionExpression: 'attribute_not_exists(sk)' }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    } finally {
      if (companion) alongside!.done(await companion);
    }
  }

  private batchPut(items: Array<Record<string, unknown>>): Promise<void> {
    return batchPut(this.doc, this.table, items, 'generation write');
  }

  async getGeneration(accountId: string, id: string): Promise<GenerationRecord | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: `GEN#${id}` } }));
    return r.Item ? fromItem(accountId, id, r.Item) : null;
  }

  async setSelected(accountId: string, id: string, index: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: accountPk(accountId), sk: `GEN#${id}` },
        // A selected generation is content the merchant uses: it must not expire.
        UpdateExpression: `SET selectedIndex = :i REMOVE ${TTL}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':i': index },
      }),
    );
  }

  async getProduct(accountId: string, productId: string): Promise<ProductContent | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: `PRODUCT#${productId}` } }));
    if (!r.Item) return null;
    return {
      productId,
      name: (r.Item.name as string | undefined) ?? null,
      description: (r.Item.description as string | undefined) ?? null,
      seo: (r.Item.seo as ProductContent['seo']) ?? null,
      image: (r.Item.image as ProductContent['image']) ?? null,
      updatedAt: r.Item.updatedAt as string | undefined,
    };
  }

  async updateProduct(accountId: string, productId: string, patch: Partial<Omit<ProductContent, 'productId'>>, at: string): Promise<void> {
    const names: Record<string, string> = { '#u': 'updatedAt', '#pid': 'productId' };
    const values: Record<string, unknown> = { ':u': at, ':pid': productId };
    const sets = ['#u = :u', '#pid = :pid'];
    for (const [k, v] of Object.entries(patch)) {
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#${k} = :${k}`);
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: accountPk(accountId), sk: `PRODUCT#${productId}` },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Generation ids are not all in time order (a keyed one is derived from its key), so the list reads the
   * account's generations' summaries (a projection, up to `LIST_READ_MAX`), filters and sorts them by
   * time; the cursor is the last one shown. Unselected generations expire after the TTL, so the set is a
   * few months of an account's generations.
   */
  async listGenerations(accountId: string, filter: { productId?: string; feature?: FeatureId }, limit: number, cursor?: string): Promise<{ items: GenerationSummary[]; nextCursor: string | null }> {
    const after = cursor ? decodeCursor(cursor, ListCursor) : undefined;
    const names: Record<string, string> = { '#f': 'feature', '#p': 'productId', '#c': 'createdAt' };
    const values: Record<string, unknown> = { ':pk': accountPk(accountId), ':gen': 'GEN#' };
    const filters: string[] = [];
    if (filter.productId !== undefined) (filters.push('#p = :pid'), (values[':pid'] = filter.productId));
    if (filter.feature !== undefined) (filters.push('#f = :feat'), (values[':feat'] = filter.feature));
    const found = await queryAll(
      this.doc,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :gen)',
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ProjectionExpression: 'sk, #f, #p, selectedIndex, regeneratedFrom, creditsCharged, #c',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
      LIST_READ_MAX,
    );
    const rows = found.map(({ sk, ...rest }) => ({ id: String(sk).slice(4), productId: null, selectedIndex: null, regeneratedFrom: null, ...rest }) as GenerationSummary);
    const order = (g: GenerationSummary) => `${g.createdAt}|${g.id}`;
    rows.sort((a, b) => order(b).localeCompare(order(a)));
    const from = after ? rows.filter((g) => order(g) < `${after.createdAt}|${after.id}`) : rows;
    const items = from.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: from.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
  }

  async putFailure(f: FailedGeneration): Promise<void> {
    const { accountId, id, ...rest } = f;
    const expiresAt = Math.ceil(Date.parse(f.createdAt) / 1000) + FAILURE_TTL_DAYS * 86_400;
    await this.doc
      .send(new PutCommand({ TableName: this.table, Item: { pk: accountPk(accountId), sk: `GENFAIL#${id}`, ...rest, failed: true, ush: usageShardOf(id), [TTL]: expiresAt } }))
      .catch((err: unknown) => {
        // Operator usage misses this failure; the merchant's refund and 502 stand. Names only, no merchant data.
        log.warn('failed generation not recorded for operator usage', { generationId: id, error: err instanceof Error ? err.name : String(err) });
      });
  }

  async setStoreDesign(accountId: string, design: unknown, generationId: string, at: string): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: accountPk(accountId), sk: 'STORE#design', design, generationId, updatedAt: at } }),
    );
  }
}
