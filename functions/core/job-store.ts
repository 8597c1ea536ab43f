/** Persistence port of bulk generation jobs and their items (`generation-jobs.ts`). */
import type { FeatureId, PlanId } from '../config.ts';
import type { ProductContent } from './generation-store.ts';

export type ItemStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'canceled';
/** How an item ended, as the job counts it: succeeded, failed (refunded) or canceled (refunded). */
export type ItemOutcome = 'succeeded' | 'failed' | 'canceled';

export interface JobRecord {
  id: string;
  accountId: string;
  feature: FeatureId;
  /** The plan at creation: it decides the variants of every item (free: one selectable). */
  plan: PlanId;
  autoSelect: 0 | 1 | null;
  total: number;
  skipped: number;
  /** Credits charged at creation (one feature cost per item not skipped). */
  credits: number;
  createdAt: string;
  /** Set by the first cancel: items not started yet are canceled, the job ends as `canceled`. */
  canceledAt?: string;
  /** Set once, by whoever finishes the last item (or the cancel that leaves none running). */
  completedAt?: string;
  /** Item indexes per outcome: sets, so recording an outcome twice (a redelivered item) counts it once. */
  succeeded: number[];
  failed: number[];
  canceled: number[];
}

export interface JobItem {
  jobId: string;
  index: number;
  productId: string;
  input: unknown;
  status: ItemStatus;
  generationId?: string;
}

export interface JobStore {
  /** Writes the items, then the job (conditional): false, and nothing of the job, when the job id exists. */
  createJob(job: JobRecord, items: JobItem[]): Promise<boolean>;
  getJob(accountId: string, jobId: string): Promise<JobRecord | null>;
  /** The account's jobs, newest first. */
  listJobs(accountId: string, limit: number, cursor?: string): Promise<{ items: JobRecord[]; nextCursor: string | null }>;
  getItem(accountId: string, jobId: string, index: number): Promise<JobItem | null>;
  /** Items in index order. */
  listItems(accountId: string, jobId: string, limit: number, cursor?: string): Promise<{ items: JobItem[]; nextCursor: string | null }>;
  /** Moves an item from `from` to `to` with one conditional write; false when it was not in `from`. */
  moveItem(accountId: string, jobId: string, index: number, from: ItemStatus, to: ItemStatus, generationId?: string): Promise<boolean>;
  /** Adds item indexes to an outcome's set (idempotent) and answers the job as it is after. */
  recordOutcome(accountId: string, jobId: string, outcome: ItemOutcome, indexes: number[]): Promise<JobRecord>;
  /** Marks the job canceled unless it was (or has ended); answers the job after. */
  markCanceled(accountId: string, jobId: string, at: string): Promise<JobRecord>;
  /** Sets `completedAt` once; false when another writer did. */
  markCompleted(accountId: string, jobId: string, at: string): Promise<boolean>;
  /** The stored content of these products (in as few reads as the store allows); absent ones are left out. */
  getProducts(accountId: string, productIds: string[]): Promise<ProductContent[]>;
  /** The account's products with stored content, by product id. */
  listProducts(accountId: string, limit: number, cursor?: string): Promise<{ items: ProductContent[]; nextCursor: string | null }>;
}
