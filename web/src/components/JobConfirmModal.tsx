/**
 * "Generate for selected", before anything is spent: how many products, what the job holds (the
 * feature's cost for each product not skipped), the balance now and after. Confirm creates the job
 * (`POST /v1/generation-jobs`, one Idempotency-Key per opening: a double click never makes two jobs).
 */
import { useState } from 'preact/hooks';
import { api, idempotencyKey } from '../api.ts';
import { refreshCredits } from '../actions.ts';
import { useAction } from '../hooks.ts';
import { featureOf, useCatalog } from '../catalog.ts';
import { credits as creditsText, plural } from '../format.ts';
import { followJob, jobCost } from '../jobs.ts';
import { closeModal, openModal, pushToast, useAppState } from '../store.ts';
import type { JobFeature, JobItemRequest } from '../types.ts';
import { Modal } from './Modal.tsx';

interface Props {
  feature: JobFeature;
  items: JobItemRequest[];
  skipExisting: boolean;
  /** Option 1 of each product becomes its content (`autoSelect: 0`). */
  autoSelect: boolean;
  /** Products that already have this content, as the catalogue read it (the service decides at creation). */
  skippedEstimate: number;
}

export function JobConfirmModal({ feature, items, skipExisting, autoSelect, skippedEstimate }: Props) {
  const catalog = useCatalog();
  const available = useAppState((s) => s.credits?.credits.available ?? null);
  const paid = useAppState((s) => s.credits?.topUpAvailable ?? false);
  const [key] = useState(idempotencyKey);
  // 402 opens Top Up or Upgrade in this dialog's place; 429 shows the cooldown; 400 names the product.
  const { busy, run } = useAction('Could not start the bulk generation');
  const f = featureOf(catalog, feature);
  const skipped = skipExisting ? skippedEstimate : 0;
  const total = jobCost(f.cost, items.length, skipped);
  const after = available === null ? null : available - total;
  const short = after !== null && after < 0;

  const start = async () => {
    const job = await run(() => api.createJob({ feature, items, skipExisting, autoSelect: autoSelect ? 0 : null }, key));
    if (!job) return;
    followJob(job.id, feature);
    closeModal();
    pushToast({ kind: 'info', title: 'Bulk generation started', message: `${plural(job.total - job.skipped, 'product')}, ${creditsText(job.creditsHeld)} held until each is done.`, ttlMs: 5000 });
    void refreshCredits();
  };

  return (
    <Modal title={`Generate ${f.shortLabel.toLowerCase()} for ${plural(items.length, 'product')}`} onClose={closeModal} testId="job-confirm">
      <dl class="job-summary" data-testid="job-confirm-summary" data-total={total} data-available={available ?? ''}>
        <div>
          <dt>Products</dt>
          <dd data-testid="job-confirm-count">{items.length}</dd>
        </div>
        {skipExisting && (
          <div>
            <dt>Skipped, already written</dt>
            <dd data-testid="job-confirm-skipped">{skipped}</dd>
          </div>
        )}
        <div>
          <dt>Cost</dt>
          <dd data-testid="job-confirm-cost">
            {creditsText(total)} <span class="muted">({creditsText(f.cost)} each)</span>
          </dd>
        </div>
        <div>
          <dt>Your balance</dt>
          <dd data-testid="job-confirm-balance">{available === null ? '—' : creditsText(available)}</dd>
        </div>
        <div>
          <dt>After the job</dt>
          <dd data-testid="job-confirm-after">{after === null ? '—' : creditsText(Math.max(0, after))}</dd>
        </div>
      </dl>
      <p class="muted" data-testid="job-confirm-save">
        {autoSelect ? 'Option 1 of each becomes the product’s, with its earlier version in the history.' : 'The options wait on each product’s page for you to choose.'}
      </p>
      <p class="muted">
        The credits are held when the job starts; a product that fails gets its credits back, and Cancel gives back those of products not started yet.
      </p>
      {short && (
        <p class="field-error" data-testid="job-confirm-short">
          You need {creditsText(-after!)} more for this job.
        </p>
      )}
      <div class="modal-actions">
        <button type="button" class="button" onClick={closeModal} data-testid="job-confirm-cancel">
          Not now
        </button>
        {short ? (
          <button
            type="button"
            class="button primary"
            onClick={() => openModal(paid ? { kind: 'topup', reason: `This job needs ${creditsText(total)}.` } : { kind: 'upgrade', reason: `This job needs ${creditsText(total)}.` })}
            data-testid="job-confirm-topup"
          >
            {paid ? 'Top up' : 'Upgrade'}
          </button>
        ) : (
          <button type="button" class="button primary" aria-disabled={busy ? 'true' : undefined} aria-busy={busy} onClick={() => !busy && void start()} data-autofocus data-testid="job-confirm-start">
            {busy ? 'Starting…' : `Generate · ${creditsText(total)}`}
          </button>
        )}
      </div>
    </Modal>
  );
}
