/**
 * The bulk job the page follows: created from the confirm dialog, kept per account in localStorage (a
 * reload or another visit to the catalogue follows it still), forgotten once the merchant closes its result.
 */
import { getState, setState } from './store.ts';
import type { JobFeature, JobStatus } from './types.ts';

const key = () => `aiCredits.job.${getState().accountId}`;

export function followJob(id: string, feature: JobFeature): void {
  localStorage.setItem(key(), JSON.stringify({ id, feature }));
  setState({ activeJob: { id, feature } });
}

export function forgetJob(): void {
  localStorage.removeItem(key());
  setState({ activeJob: null });
}

/** The account's followed job, back in the store after a reload. */
export function restoreJob(): void {
  try {
    const saved = JSON.parse(localStorage.getItem(key()) ?? 'null') as { id?: unknown; feature?: unknown } | null;
    const ok = saved && typeof saved.id === 'string' && (saved.feature === 'product_description' || saved.feature === 'seo_meta');
    setState({ activeJob: ok ? { id: saved.id as string, feature: saved.feature as JobFeature } : null });
  } catch {
    setState({ activeJob: null });
  }
}

/** A job is over once completed, or canceled (final once its running items ended, as the service says). */
export function jobOver(status: JobStatus): boolean {
  return status === 'completed' || status === 'canceled';
}

/** What the job has done of its total: every item that ended, however it ended. */
export function jobDone(j: { succeeded: number; failed: number; skipped: number; canceled?: number; total: number }): number {
  return Math.min(j.total, j.succeeded + j.failed + j.skipped + (j.canceled ?? 0));
}

/** The credits a job would hold: the feature's cost for every product not skipped. */
export function jobCost(costPerItem: number, items: number, skipped: number): number {
  return costPerItem * Math.max(0, items - skipped);
}
