/**
 * Bulk generation jobs in the account's item collection: the job `JOB#<jobId>` and its items
 * `JOBITEM#<jobId>#<index, 3 digits>` (so a job's items read in index order, a page at a time). The job
 * item keeps each outcome as a number set of item indexes (`ok`, `bad`, `cx`): `ADD` to a set is
 * idempotent, so an item counted twice (a redelivered message) counts once, with no condition to race on.
 * Products' stored content (`PRODUCT#<id>`, written by `DynamoGenerationStore`) is read here in pages and
 * batches for the catalogue view and `skipExisting`.
 */
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#zod';
import type { ProductContent } from '../core/generation-store.ts';
import type { ItemOutcome, ItemStatus, JobItem, JobRecord, JobStore } from '../core/job-store.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { batchPut, isConditionFailure, queryAll } from './dynamo-client.ts';
import { accountPk } from './dynamo-store.ts';

type Item = Record<string, unknown>;

const jobSk = (jobId: string) => `JOB#${jobId}`;
const itemPrefix = (jobId: string) => `JOBITEM#${jobId}#`;
const itemSk = (jobId: string, index: number) => `${itemPrefix(jobId)}${String(index).padStart(3, '0')}`;
const SETS: Record<ItemOutcome, 'ok' | 'bad' | 'cx'> = { succeeded: 'ok', failed: 'bad', canceled: 'cx' };

/** The most jobs one list request reads (jobs are few: each is up to 500 items). */
const LIST_READ_MAX = 1000;
const JobCursor = z.strictObject({ createdAt: z.iso.datetime(), id: z.string().check(z.minLength(1), z.maxLength(100)) });
const ItemCursor = z.strictObject({ after: z.int().check(z.gte(0), z.lte(999)) });
const ProductCursor = z.strictObject({ after: z.string().check(z.minLength(1), z.maxLength(100)) });

const numbers = (v: unknown): number[] => (v instanceof Set ? [...(v as Set<number>)].map(Number).sort((a, b) => a - b) : []);

function toJob(item: Item): JobRecord {
  return {
    id: String(item.sk).slice(4),
    accountId: item.accountId as string,
    feature: item.feature as JobRecord['feature'],
    plan: item.plan as JobRecord['plan'],
    autoSelect: (item.autoSelect ?? null) as JobRecord['autoSelect'],
    total: item.total as number,
    skipped: item.skipped as number,
    credits: item.credits as number,
    createdAt: item.createdAt as string,
    ...(item.canceledAt ? { canceledAt: item.canceledAt as string } : {}),
    ...(item.completedAt ? { completedAt: item.completedAt as string } : {}),
    succeeded: numbers(item.ok),
    failed: numbers(item.bad),
    canceled: numbers(item.cx),
  };
}

function toItem(jobId: string, item: Item): JobItem {
  return {
    jobId,
    index: item.idx as number,
    productId: item.productId as string,
    input: item.input,
    status: item.st as ItemStatus,
    ...(item.generationId ? { generationId: item.generationId as string } : {}),
  };
}

function toProduct(item: Item): ProductContent {
  return {
    productId: String(item.sk).slice('PRODUCT#'.length),
    name: (item.name as string | undefined) ?? null,
    description: (item.description as string | undefined) ?? null,
    seo: (item.seo as ProductContent['seo']) ?? null,
    image: (item.image as ProductContent['image']) ?? null,
    updatedAt: item.updatedAt as string | undefined,
  };
}

export class DynamoJobStore implements JobStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createJob(job: JobRecord, items: JobItem[]): Promise<boolean> {
    const pk = accountPk(job.accountId);
    // Items first: a job whose item records are missing is never visible (the job item comes last).
    const rows = items.map((x) => ({ pk, sk: itemSk(job.id, x.index), idx: x.index, productId: x.productId, input: x.input, st: x.status }));
    // Four BatchWriteItem streams at once: 500 items are 20 requests.
    const lanes = Array.from({ length: 4 }, (_, lane) => rows.filter((_, i) => Math.floor(i / 25) % 4 === lane));
    await Promise.all(lanes.map((lane) => batchPut(this.doc, this.table, lane, 'job items')));
    const { id, succeeded: _s, failed: _f, canceled: _c, ...rest } = job;
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk, sk: jobSk(id), ...rest }, ConditionExpression: 'attribute_not_exists(sk)' }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async getJob(accountId: string, jobId: string): Promise<JobRecord | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: jobSk(jobId) }, ConsistentRead: true }));
    return r.Item ? toJob(r.Item) : null;
  }

  async listJobs(accountId: string, limit: number, cursor?: string) {
    const after = cursor ? decodeCursor(cursor, JobCursor) : undefined;
    const found = await queryAll(
      this.doc,
      { TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': accountPk(accountId), ':p': 'JOB#' } },
      LIST_READ_MAX,
    );
    // Keyed job ids are not time-ordered: newest first by creation time.
    const order = (j: JobRecord) => `${j.createdAt}|${j.id}`;
    const jobs = found.map(toJob).sort((a, b) => order(b).localeCompare(order(a)));
    const from = after ? jobs.filter((j) => order(j) < `${after.createdAt}|${after.id}`) : jobs;
    const items = from.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: from.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
  }

  async getItem(accountId: string, jobId: string, index: number): Promise<JobItem | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: itemSk(jobId, index) }, ConsistentRead: true }));
    return r.Item ? toItem(jobId, r.Item) : null;
  }

  async listItems(accountId: string, jobId: string, limit: number, cursor?: string) {
    const after = cursor ? decodeCursor(cursor, ItemCursor) : undefined;
    // The inputs stay behind: a page shows statuses.
    const r = await this.page(accountId, itemPrefix(jobId), limit, after && itemSk(jobId, after.after), { ProjectionExpression: 'idx, productId, st, generationId', ConsistentRead: true });
    const items = (r.Items ?? []).map((x) => toItem(jobId, x));
    const last = items[items.length - 1];
    return { items, nextCursor: r.LastEvaluatedKey && last ? encodeCursor({ after: last.index }) : null };
  }

  async moveItem(accountId: string, jobId: string, index: number, from: ItemStatus, to: ItemStatus, generationId?: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: accountPk(accountId), sk: itemSk(jobId, index) },
          UpdateExpression: generationId ? 'SET st = :to, generationId = :g' : 'SET st = :to',
          ConditionExpression: 'st = :from',
          ExpressionAttributeValues: { ':to': to, ':from': from, ...(generationId ? { ':g': generationId } : {}) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async recordOutcome(accountId: string, jobId: string, outcome: ItemOutcome, indexes: number[]): Promise<JobRecord> {
    const r = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: accountPk(accountId), sk: jobSk(jobId) },
        UpdateExpression: `ADD ${SETS[outcome]} :s`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':s': new Set(indexes) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toJob(r.Attributes!);
  }

  async markCanceled(accountId: string, jobId: string, at: string): Promise<JobRecord> {
    const r = await this.setOnce(accountId, jobId, 'canceledAt', at, true);
    return r ? toJob(r) : (await this.getJob(accountId, jobId))!;
  }

  async markCompleted(accountId: string, jobId: string, at: string): Promise<boolean> {
    return (await this.setOnce(accountId, jobId, 'completedAt', at, false)) !== undefined;
  }

  /** Sets the job's `canceledAt` or `completedAt` unless it is set (or the job has completed): the new job, or undefined if not. */
  private async setOnce(accountId: string, jobId: string, field: 'canceledAt' | 'completedAt', at: string, answer: boolean): Promise<Item | undefined> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: accountPk(accountId), sk: jobSk(jobId) },
          UpdateExpression: `SET ${field} = :at`,
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(${field}) AND attribute_not_exists(completedAt)`,
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: answer ? 'ALL_NEW' : 'UPDATED_NEW',
        }),
      );
      return r.Attributes ?? {};
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  /** One page of the account's items whose sort key starts with `prefix`, after `startSk`. */
  private page(accountId: string, prefix: string, limit: number, startSk?: string, extra: { ProjectionExpression?: string; ConsistentRead?: boolean } = {}) {
    const pk = accountPk(accountId);
    return this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
        Limit: limit,
        ...(startSk ? { ExclusiveStartKey: { pk, sk: startSk } } : {}),
        ...extra,
      }),
    );
  }

  async getProducts(accountId: string, productIds: string[]): Promise<ProductContent[]> {
    const pk = accountPk(accountId);
    const out: ProductContent[] = [];
    for (let i = 0; i < productIds.length; i += 100) {
      let keys: Item[] = productIds.slice(i, i + 100).map((id) => ({ pk, sk: `PRODUCT#${id}` }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 8) throw new Error('product reads: unprocessed keys after retries');
        const r = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        out.push(...(r.Responses?.[this.table] ?? []).map(toProduct));
        keys = (r.UnprocessedKeys?.[this.table]?.Keys ?? []) as Item[];
      }
    }
    return out;
  }

  async listProducts(accountId: string, limit: number, cursor?: string) {
    const after = cursor ? decodeCursor(cursor, ProductCursor) : undefined;
    const r = await this.page(accountId, 'PRODUCT#', limit, after && `PRODUCT#${after.after}`);
    const items = (r.Items ?? []).map(toProduct);
    const last = items[items.length - 1];
    return { items, nextCursor: r.LastEvaluatedKey && last ? encodeCursor({ after: last.productId }) : null };
  }
}
