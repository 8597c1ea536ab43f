/**
 * A product field's history (`GET /v1/products/{id}/content/history`), newest first, in a panel along
 * the page's edge: every value the field had, where it came from, and Restore (free) on each earlier one.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { reportError } from '../actions.ts';
import { formatDateTime } from '../format.ts';
import { useAction } from '../hooks.ts';
import { closeModal, pushToast, setState } from '../store.ts';
import type { ContentField, ContentVersion } from '../types.ts';
import { Modal } from './Modal.tsx';

const SOURCE_NAMES: Record<ContentVersion['source'], string> = {
  generation: 'AI option chosen',
  manual: 'Edited by hand',
  restore: 'Restored',
};

/** The value as the merchant reads it: the text, the meta tags, or the photo's size. */
function VersionValue({ v }: { v: ContentVersion }) {
  const value = v.value;
  if (typeof value === 'string') return <p class="history-text">{value}</p>;
  if ('title' in value) {
    return (
      <dl class="history-seo">
        <dt>Title</dt>
        <dd>{value.title}</dd>
        <dt>Description</dt>
        <dd>{value.description}</dd>
      </dl>
    );
  }
  return (
    <p class="history-text">
      Enhanced photo, {value.width}×{value.height} px
    </p>
  );
}

export function HistoryDrawer({ productId, field, label }: { productId: string; field: ContentField; label: string }) {
  const [items, setItems] = useState<ContentVersion[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const { busy: loadingMore, run } = useAction('Could not load older versions');

  const load = async (cursor: string | null) => {
    const page = await api.contentHistory(productId, field, cursor);
    setItems((before) => (cursor ? [...(before ?? []), ...page.items] : page.items));
    setNext(page.nextCursor);
  };

  useEffect(() => {
    load(null).catch((err) => {
      setItems([]);
      reportError(err, 'Could not load the history');
    });
  }, [productId, field]);

  const restore = async (v: ContentVersion) => {
    setRestoring(v.versionId);
    try {
      await api.restoreContent(productId, v.versionId);
      // The page reads the product's content again; the list gets the restored value on top.
      setState((s) => ({ contentChanged: s.contentChanged + 1 }));
      await load(null);
      setStatus(`The version of ${formatDateTime(v.createdAt)} is current again.`);
      pushToast({ kind: 'success', title: `${label} restored`, message: 'The earlier version is current again. Restoring is free.', ttlMs: 4000 });
    } catch (err) {
      reportError(err, 'Could not restore that version');
    } finally {
      setRestoring(null);
    }
  };

  return (
    <Modal title={`${label} history`} onClose={closeModal} testId="history-drawer" drawer>
      <p class="muted">Every value it had, newest first. Restoring an earlier one is free and keeps this list.</p>
      <p class="visually-hidden" role="status">
        {status}
      </p>
      {items === null && (
        <p class="muted" role="status">
          Loading…
        </p>
      )}
      {items?.length === 0 && <p class="muted">Nothing saved yet.</p>}
      {items && items.length > 0 && (
        <ol class="history-list" data-testid="history-list" data-field={field}>
          {items.map((v, i) => {
            const current = i === 0;
            return (
              <li key={v.versionId} class={`history-version${current ? ' is-current' : ''}`} data-testid="history-version" data-version-id={v.versionId} data-source={v.source} data-current={String(current)}>
                <div class="history-meta">
                  <span class="history-when">{formatDateTime(v.createdAt)}</span>
                  <span class="muted" data-testid="history-source">
                    {SOURCE_NAMES[v.source]}
                  </span>
                  {current && <span class="badge success">Current</span>}
                </div>
                <VersionValue v={v} />
                {!current && (
                  <div class="row end">
                    <button
                      type="button"
                      class="button small"
                      aria-disabled={restoring !== null ? 'true' : undefined}
                      aria-busy={restoring === v.versionId}
                      aria-label={`Restore the version of ${formatDateTime(v.createdAt)}`}
                      onClick={() => restoring === null && void restore(v)}
                      data-testid="history-restore"
                    >
                      {restoring === v.versionId ? 'Restoring…' : 'Restore'}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {next && (
        <div class="row center">
          <button type="button" class="button small ghost" disabled={loadingMore} onClick={() => void run(() => load(next))} data-testid="history-load-more">
            {loadingMore ? 'Loading…' : 'Older versions'}
          </button>
        </div>
      )}
    </Modal>
  );
}
