/**
 * Inventory › Products: the demo store's catalogue with what the service holds for each product
 * (`GET /v1/products`), several picked at once, and a bulk job over them ("Generate for selected"),
 * followed live until it ends, with Cancel.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { refreshCredits, reportError } from '../actions.ts';
import { featureOf, planHasFeature, useCatalog } from '../catalog.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { catalogueRows } from '../catalogue.ts';
import { DEMO_PRODUCTS } from '../demo-catalogue.ts';
import { credits as creditsText, formatDateTime, plural } from '../format.ts';
import { forgetJob, jobCost, jobDone, jobOver, restoreJob } from '../jobs.ts';
import { openModal, pushToast, useAppState } from '../store.ts';
import type { GenerationJob, JobFeature, ProductListItem } from '../types.ts';

/** Pages of `GET /v1/products` read at most (a demo store's catalogue fits in far fewer). */
const MAX_PAGES = 20;
const POLL_MS = 1000;

async function readStored(): Promise<ProductListItem[]> {
  const all: ProductListItem[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await api.products(cursor);
    all.push(...(page.items ?? []));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return all;
}

export function CataloguePage() {
  const catalog = useCatalog();
  const plan = useAppState((s) => s.credits?.plan);
  const available = useAppState((s) => s.credits?.credits.available ?? null);
  const activeJob = useAppState((s) => s.activeJob);
  const [stored, setStored] = useState<ProductListItem[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [feature, setFeature] = useState<JobFeature>('product_description');
  const [skipExisting, setSkipExisting] = useState(true);
  const [autoSelect, setAutoSelect] = useState(true);

  const load = () =>
    readStored()
      .then((items) => {
        setStored(items);
        setLoadError(null);
      })
      .catch((err) => {
        // The demo catalogue still shows; what the service holds is unknown, and the page says so.
        setStored([]);
        setLoadError(err instanceof Error ? err.message : String(err));
      });
  useEffect(() => {
    restoreJob();
    void load();
  }, []);

  const rows = catalogueRows(DEMO_PRODUCTS, stored ?? []);
  const selectable = rows.filter((r) => r.input);
  const chosen = selectable.filter((r) => selected.has(r.productId));
  const seoAllowed = planHasFeature(catalog, plan, 'seo_meta');
  const field = feature === 'product_description' ? 'description' : 'seo';
  const existing = chosen.filter((r) => r.has[field]).length;
  const cost = featureOf(catalog, feature).cost;
  const estimate = jobCost(cost, chosen.length, skipExisting ? existing : 0);
  const allOn = selectable.length > 0 && chosen.length === selectable.length;
  const busyJob = activeJob !== null;

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const toggleAll = () => setSelected(allOn ? new Set() : new Set(selectable.map((r) => r.productId)));

  const reason = busyJob ? 'A bulk job is running: wait for it or cancel it.' : chosen.length === 0 ? 'Select the products first.' : null;
  const generate = () => {
    if (reason) return;
    openModal({
      kind: 'job-confirm',
      feature,
      skipExisting,
      autoSelect,
      skippedEstimate: existing,
      items: chosen.map((r) => ({ productId: r.productId, input: r.input! })),
    });
  };

  return (
    <div class="page">
      <PageHeader section="Inventory" href="#/catalogue" page="Products" title="Products" />
      {activeJob && <JobProgress id={activeJob.id} feature={activeJob.feature} onEnded={() => void load()} />}
      <section class="card" aria-labelledby="catalogue-title" data-testid="catalogue">
        <div class="card-head">
          <div>
            <h2 id="catalogue-title">Your catalogue</h2>
            <p class="muted">Pick products and write their descriptions or meta tags in one go. Credits are held when the job starts.</p>
          </div>
        </div>
        {loadError && (
          <p class="field-error" data-testid="catalogue-error">
            What the AI already wrote for your products could not be read: {loadError}
          </p>
        )}
        <div class="row wrap catalogue-controls">
          <fieldset class="segmented">
            <legend class="visually-hidden">What to write</legend>
            <label>
              <input type="radio" name="job-feature" checked={feature === 'product_description'} onChange={() => setFeature('product_description')} data-testid="catalogue-feature-description" />
              Descriptions
            </label>
            <label class={seoAllowed ? '' : 'is-locked'}>
              <input
                type="radio"
                name="job-feature"
                checked={feature === 'seo_meta'}
                disabled={!seoAllowed}
                aria-describedby={seoAllowed ? undefined : 'catalogue-seo-locked'}
                onChange={() => setFeature('seo_meta')}
                data-testid="catalogue-feature-seo"
              />
              Meta tags
            </label>
          </fieldset>
          {!seoAllowed && plan !== undefined && (
            <span id="catalogue-seo-locked" class="hint">
              Meta tags come with the paid plans.
            </span>
          )}
          <label class="checkbox-inline">
            <input type="checkbox" checked={skipExisting} onChange={(e) => setSkipExisting(e.currentTarget.checked)} data-testid="catalogue-skip-existing" />
            Skip products that already have one
          </label>
          <label class="checkbox-inline">
            <input type="checkbox" checked={autoSelect} onChange={(e) => setAutoSelect(e.currentTarget.checked)} data-testid="catalogue-auto-select" />
            Save option 1 as each product’s
          </label>
        </div>

        <div class="table-wrap">
          <table class="table catalogue-table" data-testid="catalogue-table">
            <caption class="visually-hidden">Products, with what the AI has written for each</caption>
            <thead>
              <tr>
                <th scope="col" class="check-col">
                  <input type="checkbox" checked={allOn} onChange={toggleAll} aria-label="Select every product" data-testid="catalogue-select-all" />
                </th>
                <th scope="col">Product</th>
                <th scope="col">Description</th>
                <th scope="col">Meta tags</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.productId} data-testid="catalogue-row" data-product-id={r.productId} data-selected={String(selected.has(r.productId))} data-has-description={String(r.has.description)} data-has-seo={String(r.has.seo)}>
                  <td class="check-col">
                    <input
                      type="checkbox"
                      checked={selected.has(r.productId)}
                      disabled={!r.input}
                      onChange={() => toggle(r.productId)}
                      aria-label={r.input ? `Select ${r.name}` : `${r.name}: its details are in your store only`}
                      data-testid="catalogue-select"
                    />
                  </td>
                  <th scope="row">
                    <span class="block">{r.name}</span>
                    {r.category && <span class="muted small">{r.category}</span>}
                  </th>
                  <td>{r.has.description ? <span class="badge success">Written</span> : <span class="muted">None</span>}</td>
                  <td>{r.has.seo ? <span class="badge success">Written</span> : <span class="muted">None</span>}</td>
                  <td class="muted">{r.updatedAt ? formatDateTime(r.updatedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>

        <div class="row wrap end catalogue-footer">
          <span class="muted" data-testid="catalogue-selected-count">
            {plural(chosen.length, 'product')} selected
            {skipExisting && existing > 0 ? `, ${existing} already written (skipped)` : ''}
            {available !== null ? ` · balance ${creditsText(available)}` : ''}
          </span>
          <span class="charged">
            <button
              type="button"
              class="button primary"
              aria-disabled={reason ? 'true' : undefined}
              aria-describedby={reason ? 'catalogue-generate-reason' : undefined}
              onClick={generate}
              data-testid="catalogue-generate"
            >
              Generate for selected<span class="cost"> · {creditsText(estimate)}</span>
            </button>
            {reason && (
              <span id="catalogue-generate-reason" class="button-reason" data-testid="catalogue-generate-reason">
                {reason}
              </span>
            )}
          </span>
        </div>
      </section>
    </div>
  );
}

/** The followed job, read every second until it ends: a progress bar, its counts, and Cancel. */
function JobProgress({ id, feature, onEnded }: { id: string; feature: JobFeature; onEnded: () => void }) {
  const catalog = useCatalog();
  const [job, setJob] = useState<GenerationJob | null>(null);
  const [canceling, setCanceling] = useState(false);
  const ended = useRef(false);

  useEffect(() => {
    let stop = false;
    let timer: number | undefined;
    const tick = async () => {
      try {
        const j = await api.job(id);
        if (stop) return;
        setJob(j);
        if (jobOver(j.status)) {
          if (!ended.current) {
            ended.current = true;
            void refreshCredits();
            onEnded();
          }
          return;
        }
      } catch (err) {
        // A job this account does not have (another account's id in storage) is forgotten.
        if ((err as { status?: number }).status === 404) return forgetJob();
      }
      if (!stop) timer = window.setTimeout(tick, POLL_MS);
    };
    void tick();
    return () => {
      stop = true;
      window.clearTimeout(timer);
    };
  }, [id]);

  const cancel = async () => {
    setCanceling(true);
    try {
      setJob(await api.cancelJob(id));
      pushToast({ kind: 'info', title: 'Bulk generation canceled', message: 'Products not started yet got their credits back.', ttlMs: 5000 });
      void refreshCredits();
    } catch (err) {
      reportError(err, 'Could not cancel the job');
    } finally {
      setCanceling(false);
    }
  };

  const label = featureOf(catalog, feature).shortLabel;
  const done = job ? jobDone(job) : 0;
  const total = job?.total ?? 0;
  const pct = total ? Math.round((100 * done) / total) : 0;
  const over = job ? jobOver(job.status) : false;
  const words = !job
    ? 'Reading the job…'
    : job.status === 'queued'
      ? 'Waiting to start…'
      : job.status === 'running'
        ? `${done} of ${total} done`
        : job.status === 'canceled'
          ? `Canceled: ${job.succeeded} written${job.canceled ? `, ${job.canceled} not started (credits given back)` : ''}${job.failed ? `, ${job.failed} failed (refunded)` : ''}`
          : `Finished: ${job.succeeded} written${job.failed ? `, ${job.failed} failed (refunded)` : ''}${job.skipped ? `, ${job.skipped} skipped` : ''}`;
  return (
    <section class="card job-card" aria-labelledby="job-title" data-testid="job-progress" data-job-id={id} data-status={job?.status ?? ''}>
      <div class="card-head">
        <div>
          <h2 id="job-title">Bulk generation · {label}</h2>
          <p class="muted" role="status" data-testid="job-status">
            {words}
          </p>
        </div>
        <div class="row">
          {job && !over && (
            <button type="button" class="button danger" aria-disabled={canceling || job.status === 'canceled' ? 'true' : undefined} onClick={() => !canceling && void cancel()} data-testid="job-cancel">
              {canceling ? 'Canceling…' : 'Cancel'}
            </button>
          )}
          {over && (
            <button type="button" class="button" onClick={forgetJob} data-testid="job-dismiss">
              Close
            </button>
          )}
        </div>
      </div>
      <div
        class="job-bar"
        role="progressbar"
        aria-label={`Bulk generation of ${label.toLowerCase()}`}
        aria-valuemin={0}
        aria-valuemax={total || 1}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total}`}
        data-testid="job-progress-bar"
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      {job && (
        <dl class="job-counts" data-testid="job-counts" data-succeeded={job.succeeded} data-failed={job.failed} data-skipped={job.skipped} data-canceled={job.canceled ?? 0} data-total={job.total}>
          <div>
            <dt>Written</dt>
            <dd>{job.succeeded}</dd>
          </div>
          <div>
            <dt>Failed</dt>
            <dd>{job.failed}</dd>
          </div>
          <div>
            <dt>Skipped</dt>
            <dd>{job.skipped}</dd>
          </div>
          {job.canceled ? (
            <div>
              <dt>Canceled</dt>
              <dd>{job.canceled}</dd>
            </div>
          ) : null}
          <div>
            <dt>Credits</dt>
            <dd>
              {creditsText(job.creditsCharged)} used{job.creditsRefunded ? `, ${job.creditsRefunded} refunded` : ''}
              {job.creditsHeld ? `, ${job.creditsHeld} held` : ''}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
