/**
 * Content history: every change of a product's description, SEO or image (a selected variant, a manual
 * edit, a restore) is kept as a version, newest first, so no paid output is lost by choosing another one;
 * a restore makes an earlier value current again, for free, as a version of its own. At most
 * `LIMITS.contentVersionsKept` versions per product and field are kept (the oldest go).
 *
 * The version is written before the product's current value: a process that dies between the two leaves a
 * version that is not current, and the retried request (a select, an edit) writes it again.
 */
import { LIMITS } from '../config.ts';
import { NotFound } from './errors.ts';
import type { GenerationStore, ProductContent } from './generation-store.ts';
import { newId } from './ids.ts';

export type ContentField = 'description' | 'seo' | 'image';
export type VersionSource = 'generation' | 'manual' | 'restore';

export interface ContentVersion {
  /** Names its field, so a restore finds it by this id alone. */
  versionId: string;
  field: ContentField;
  value: ProductContent[ContentField];
  source: VersionSource;
  generationId?: string;
  createdAt: string;
}

export interface ContentHistoryStore {
  putVersion(accountId: string, productId: string, v: ContentVersion, keep: number): Promise<void>;
  listVersions(accountId: string, productId: string, field: ContentField, limit: number, cursor?: string): Promise<{ items: ContentVersion[]; nextCursor: string | null }>;
  getVersion(accountId: string, productId: string, versionId: string): Promise<ContentVersion | null>;
}

export interface ContentDeps {
  generations: Pick<GenerationStore, 'updateProduct'>;
  history?: ContentHistoryStore;
  clock: { now(): Date };
}

const FIELD_LETTER: Record<ContentField, string> = { description: 'd', seo: 's', image: 'i' };
export const fieldOfVersion = (versionId: string): ContentField | undefined =>
  (Object.entries(FIELD_LETTER).find(([, l]) => versionId.startsWith(`ver_${l}`))?.[0] as ContentField | undefined);

/** A version as the API shows it: an image's stored result key stays inside (`GET …/content` presigns the current one). */
export function shownVersion(v: ContentVersion): ContentVersion {
  if (v.field !== 'image' || !v.value || typeof v.value !== 'object' || !('key' in v.value)) return v;
  const { key: _key, ...shown } = v.value;
  return { ...v, value: shown as ContentVersion['value'] };
}

/** Sets the given fields as the product's current content, each as a new version. */
export async function setProductContent(
  deps: ContentDeps,
  accountId: string,
  productId: string,
  patch: Partial<Pick<ProductContent, ContentField>> & { name?: string | null },
  source: VersionSource,
  at: string,
  generationId?: string,
): Promise<ContentVersion[]> {
  const versions: ContentVersion[] = [];
  for (const field of ['description', 'seo', 'image'] as const) {
    if (patch[field] === undefined) continue;
    const v: ContentVersion = { versionId: `ver_${FIELD_LETTER[field]}${newId('v', new Date(at)).slice(2)}`, field, value: patch[field]!, source, createdAt: at, ...(generationId ? { generationId } : {}) };
    await deps.history?.putVersion(accountId, productId, v, LIMITS.contentVersionsKept);
    versions.push(v);
  }
  await deps.generations.updateProduct(accountId, productId, patch, at);
  return versions;
}

/** A restore: the version's value becomes current, as a new version (source `restore`). */
export async function restoreVersion(deps: ContentDeps & { history: ContentHistoryStore }, accountId: string, productId: string, versionId: string): Promise<ContentVersion> {
  const v = await deps.history.getVersion(accountId, productId, versionId);
  if (!v) throw new NotFound(`Product ${productId} has no version ${versionId}.`);
  const [restored] = await setProductContent(deps, accountId, productId, { [v.field]: v.value }, 'restore', deps.clock.now().toISOString(), v.generationId);
  return restored!;
}
