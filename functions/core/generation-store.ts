/** Persistence port of generations and of what merchants selected from them. */
import type { FeatureId, PlanId } from '../config.ts';
import type { CompanionWrite } from './ports.ts';

export interface GenerationRecord {
  id: string;
  accountId: string;
  feature: FeatureId;
  productId: string | null;
  input: unknown;
  /** Stored variants, in index order. Locked teasers are not stored: they were never generated. */
  variants: unknown[];
  /** How many locked teasers follow the stored variants (free plan). */
  locked: number;
  selectedIndex: number | null;
  regeneratedFrom: string | null;
  creditsCharged: number;
  createdAt: string;
  modelId: string;
  usage: { inputTokens: number; outputTokens: number } | null;
  modelCalls: number;
  /** The model use in USD at `MODEL_PRICES` (config.ts); null for a model without a price (the offline one). */
  costUsd?: number | null;
  /** The account's plan when it generated (operator usage per plan). */
  plan?: PlanId;
  /** The bulk job this generation is an item of. */
  jobId?: string;
}

/** A generation as a list shows it: `GET /v1/generations/{id}` gives its variants. */
export type GenerationSummary = Pick<GenerationRecord, 'id' | 'feature' | 'productId' | 'selectedIndex' | 'regeneratedFrom' | 'creditsCharged' | 'createdAt'>;

/** What a generation that failed after its charge leaves for operator usage (it was refunded; no generation is stored). */
export interface FailedGeneration {
  accountId: string;
  id: string;
  feature: FeatureId;
  plan: PlanId;
  creditsCharged: number;
  createdAt: string;
}

export interface ProductContent {
  productId: string;
  /** The product name given with the last selected description or SEO text. */
  name?: string | null;
  description: string | null;
  seo: { title: string; description: string } | null;
  image: { key: string; width: number; height: number; generationId: string } | null;
  updatedAt?: string;
}

export interface PutOptions {
  /** Written beside the generation, in the same request where the store can; `done` is told either way. */
  alongside?: CompanionWrite;
  /** The id was minted at random for this request (no Idempotency-Key): no generation can have it yet. */
  freshId?: boolean;
}

export interface GenerationStore {
  /** Stores a new generation; false (nothing written) when one with this id exists already. */
  putGeneration(g: GenerationRecord, opts?: PutOptions): Promise<boolean>;
  getGeneration(accountId: string, id: string): Promise<GenerationRecord | null>;
  setSelected(accountId: string, id: string, index: number): Promise<void>;
  getProduct(accountId: string, productId: string): Promise<ProductContent | null>;
  updateProduct(accountId: string, productId: string, patch: Partial<Omit<ProductContent, 'productId'>>, at: string): Promise<void>;
  /** The account's generations, newest first, optionally of one product and/or feature (a summary of each). */
  listGenerations?(accountId: string, filter: { productId?: string; feature?: FeatureId }, limit: number, cursor?: string): Promise<{ items: GenerationSummary[]; nextCursor: string | null }>;
  /** Records a failed generation for operator usage (kept a few days: the daily rollup reads it). */
  putFailure?(f: FailedGeneration): Promise<void>;
  /** The store-wide design the merchant picked (website_design). */
  setStoreDesign(accountId: string, design: unknown, generationId: string, at: string): Promise<void>;
}
