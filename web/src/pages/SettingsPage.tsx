/**
 * Settings › AI Credits: plan and buckets, credits used per day this period (inline SVG),
 * the usage history page by page, and the notifications with read marks.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ledgerCsv, readWholeLedger } from '../csv.ts';
import { refreshCredits, reportError } from '../actions.ts';
import { planLabel, useCatalog } from '../catalog.ts';
import { AutoTopUpCard } from '../components/AutoTopUpCard.tsx';
import { BrandVoiceCard } from '../components/BrandVoiceCard.tsx';
import { CardHead } from '../components/CardHead.tsx';
import { CreditSources } from '../components/CreditSources.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatDate, formatDateTime, plainMessage } from '../format.ts';
import { groupLedger, type LedgerRow } from '../ledger.ts';
import { useAction, useList } from '../hooks.ts';
import { openModal, useAppState } from '../store.ts';
import { notificationTitle } from '../notifications.ts';
import type { AppNotification, Catalog, CreditsView, LedgerItem, Usage } from '../types.ts';

/** Rows the history reads at a time (a screenful; the API allows up to the catalog's `ledgerPage.max`). */
const PAGE_SIZE = 20;
/** Enough history for a month of daily use; the chart stops reading once it passes the period start. */
const CHART_MAX_PAGES = 10;

const TYPE_LABELS: Record<LedgerItem['type'], string> = {
  grant: 'Grant',
  reset: 'Plan change',
  refresh: 'Monthly refresh',
  charge: 'Used',
  refund: 'Refund',
  top_up: 'Top-up',
  adjust: 'Adjustment',
  expire: 'Expired',
};

const BUCKET_LABELS: Record<string, string> = { allowance: 'allowance', purchased: 'purchased credits', grant: 'granted credits' };

/** "From allowance 1 · purchased credits 2": where an operation's credits came from or went to. */
function SourcesLine({ row }: { row: LedgerRow }) {
  if (row.sources.length === 0) return null;
  const dir = row.amount < 0 ? 'From' : 'To';
  return (
    <span class="ledger-sources" data-testid="ledger-sources" data-count={row.sources.length}>
      {dir}{' '}
      {row.sources.map((s, i) => (
        // Parts of one bucket (two grants) are told apart by their id; the index keeps even equal parts apart.
        <span key={`${s.bucket}:${s.id ?? ''}:${i}`} data-testid="ledger-source" data-bucket={s.bucket} data-id={s.id} data-amount={s.amount}>
          {i > 0 ? ' · ' : ''}
          {BUCKET_LABELS[s.bucket] ?? s.bucket}
          {row.sources.length > 1 ? ` ${Math.abs(s.amount)}` : ''}
        </span>
      ))}
    </span>
  );
}

/** What happened, in words: the feature used (as the catalog names one generation), the pack bought, the admin's reason. */
function activity(row: LedgerRow, catalog: Catalog): string {
  const base = TYPE_LABELS[row.type] ?? row.type;
  if (row.feature) return `${base} · ${catalog.features.find((f) => f.id === row.feature)?.shortLabel ?? row.feature}`;
  // A top-up's reason names the pack by id; its credits say the same thing in words.
  if (row.type === 'top_up') return `${base} · ${row.amount} credits`;
  if (row.reason) return `${base} · ${plainMessage(row.reason)}`;
  return base;
}

export function SettingsPage() {
  const credits = useAppState((s) => s.credits);
  useEffect(() => {
    void refreshCredits();
  }, []);
  return (
    <div class="page">
      <PageHeader section="Settings" href="#/settings" page="AI Credits" />
      {credits ? <PlanCard credits={credits} /> : <p class="muted">Loading…</p>}
      {credits && <AutoTopUpCard paid={credits.topUpAvailable} available={credits.credits.available} />}
      {credits && <UsageByFeature available={credits.credits.available} />}
      {credits && <UsageChart period={credits.period} available={credits.credits.available} />}
      <BrandVoiceCard />
      <LedgerTable />
      <Notifications />
    </div>
  );
}

function PlanCard({ credits }: { credits: CreditsView }) {
  const c = credits.credits;
  const catalog = useCatalog();
  const used = Math.max(0, c.allowance - c.allowanceRemaining);
  const pct = c.allowance ? Math.min(100, (100 * used) / c.allowance) : 0;
  return (
    <section class="card" aria-labelledby="plan-title" data-testid="settings-plan">
      <CardHead
        id="plan-title"
        title={
          <>
            Plan: <span data-testid="settings-plan-name">{planLabel(catalog, credits.plan)}</span>
          </>
        }
        note={
          <>
            Period {formatDate(credits.period.start)} – {formatDate(credits.period.end)}
          </>
        }
      >
        <div class="row">
          {credits.topUpAvailable ? (
            <>
              {/* A paid merchant may move to another plan too: the same dialog, with every other plan. */}
              <button
                type="button"
                class="button"
                onClick={() => openModal({ kind: 'upgrade', reason: 'Compare the plans: what each costs a month and the credits you would have.' })}
                data-testid="settings-change-plan"
              >
                Change plan
              </button>
              <button type="button" class="button primary" onClick={() => openModal({ kind: 'topup' })} data-testid="settings-topup">
                Top Up
              </button>
            </>
          ) : (
            <button
              type="button"
              class="button primary"
              onClick={() => openModal({ kind: 'upgrade', reason: 'Paid plans include more monthly credits and top-ups.' })}
              data-testid="settings-upgrade"
            >
              Upgrade
            </button>
          )}
        </div>
      </CardHead>
      <div class="stats">
        <div class="stat">
          <span class="stat-label">Available</span>
          <span class="stat-value" data-testid="settings-available">
            {c.available}
          </span>
        </div>
        <div class="stat">
          <span class="stat-label">Allowance used</span>
          <span class="stat-value" data-testid="settings-allowance-used">
            {used}
            <small> / {c.allowance}</small>
          </span>
        </div>
        <div class="stat">
          <span class="stat-label">Allowance left</span>
          <span class="stat-value" data-testid="settings-allowance-left">
            {c.allowanceRemaining}
          </span>
        </div>
        <div class="stat">
          <span class="stat-label">Purchased</span>
          <span class="stat-value" data-testid="settings-purchased">
            {c.purchased}
          </span>
        </div>
        <div class="stat">
          <span class="stat-label">Next refresh</span>
          <span class="stat-value small" data-testid="settings-refresh-date">
            {formatDate(credits.period.end)}
          </span>
        </div>
      </div>
      <div class="meter large" role="meter" aria-label="Allowance used" aria-valuemin={0} aria-valuemax={c.allowance} aria-valuenow={used}>
        <span style={{ width: `${pct}%` }} />
      </div>
      {credits.sources.length > 0 && (
        <div class="sources-card">
          <h3>Your credits, in the order they are used</h3>
          <CreditSources sources={credits.sources} testId="settings-sources" />
        </div>
      )}
      <p class="hint">Unused allowance does not roll over.</p>
    </section>
  );
}

/** The feature's name as the catalog writes it (the id of a feature the catalog no longer lists). */
function featureLabel(catalog: Catalog, key: string | null): string {
  return catalog.features.find((f) => f.id === key)?.label ?? key ?? 'Other';
}

/** Usage this period by feature (`GET /v1/credits/usage`, the service's default range is the current period). */
function UsageByFeature({ available }: { available: number }) {
  const session = useAppState((s) => s.session);
  const catalog = useCatalog();
  const [usage, setUsage] = useState<Usage | null>(null);
  useEffect(() => {
    let live = true;
    api
      .usage('feature')
      .then((u) => live && setUsage(u))
      .catch((err) => {
        if (!live) return;
        setUsage({ from: '', to: '', groupBy: 'feature', items: [], totals: { generations: 0, creditsCharged: 0, creditsRefunded: 0 } });
        reportError(err, 'Could not load the usage by feature');
      });
    return () => {
      live = false;
    };
    // Read again when the balance moves: a generation just made shows here at once.
  }, [session, available]);

  return (
    <section class="card" aria-labelledby="usage-features-title" data-testid="usage-features">
      <CardHead
        id="usage-features-title"
        title="Usage this period"
        note={usage?.from ? <>{formatDate(usage.from)} – {formatDate(usage.to)}, by feature</> : 'By feature'}
      />
      {usage === null ? (
        <p class="muted">Loading…</p>
      ) : (
        <div class="table-wrap">
          <table class="table usage-table">
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col" class="num">
                  Generations
                </th>
                <th scope="col" class="num">
                  Credits charged
                </th>
                <th scope="col" class="num">
                  Refunded
                </th>
              </tr>
            </thead>
            <tbody>
              {usage.items.map((item) => (
                <tr
                  key={item.key ?? ''}
                  data-testid="usage-feature-row"
                  data-feature={item.key ?? ''}
                  data-generations={item.generations}
                  data-charged={item.creditsCharged}
                  data-refunded={item.creditsRefunded}
                >
                  <th scope="row">{featureLabel(catalog, item.key)}</th>
                  <td class="num">
                    <span class="usage-cell-label">Generations </span>
                    {item.generations}
                  </td>
                  <td class="num">
                    <span class="usage-cell-label">Credits charged </span>
                    {item.creditsCharged}
                  </td>
                  <td class="num">
                    <span class="usage-cell-label">Refunded </span>
                    {item.creditsRefunded}
                  </td>
                </tr>
              ))}
              {usage.items.length === 0 && (
                <tr>
                  <td colSpan={4} class="muted">
                    No generations this period yet.
                  </td>
                </tr>
              )}
            </tbody>
            {usage.items.length > 0 && (
              <tfoot>
                <tr
                  data-testid="usage-feature-total"
                  data-generations={usage.totals.generations}
                  data-charged={usage.totals.creditsCharged}
                  data-refunded={usage.totals.creditsRefunded}
                >
                  <th scope="row">Total</th>
                  <td class="num">
                    <span class="usage-cell-label">Generations </span>
                    {usage.totals.generations}
                  </td>
                  <td class="num">
                    <span class="usage-cell-label">Credits charged </span>
                    {usage.totals.creditsCharged}
                  </td>
                  <td class="num">
                    <span class="usage-cell-label">Refunded </span>
                    {usage.totals.creditsRefunded}
                  </td>
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      )}
    </section>
  );
}

/** Offers a text as a file download: a Blob behind a link with `download`, clicked once. */
function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has taken the URL once the click is handled; freeing it later costs nothing and is safe everywhere.
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Every ledger entry as a CSV file, read page by page at the API's largest page size. */
function ExportCsv() {
  const accountId = useAppState((s) => s.accountId);
  const pageSize = useCatalog().limits.ledgerPage.max;
  const { busy, run } = useAction('Could not export the usage history');
  const exportCsv = () =>
    run(async () => {
      const entries = await readWholeLedger((cursor) => api.ledger(pageSize, cursor));
      const day = new Date().toISOString().slice(0, 10);
      const name = `ai-credits-ledger-${accountId.replace(/[^A-Za-z0-9_-]/g, '_')}-${day}.csv`;
      // A byte order mark, so spreadsheet apps read the reasons' accents as UTF-8.
      download(name, `\ufeff${ledgerCsv(entries)}`, 'text/csv;charset=utf-8');
    });
  return (
    <button type="button" class="button small" aria-disabled={busy ? 'true' : undefined} onClick={() => !busy && void exportCsv()} data-testid="ledger-export">
      {busy ? 'Exporting…' : 'Export CSV'}
    </button>
  );
}

const DAY_MS = 86_400_000;

/** Credits used per UTC day of the period: charges minus their refunds. */
export function usagePerDay(items: LedgerItem[], period: { start: string; end: string }): Array<{ day: string; used: number }> {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const days: Array<{ day: string; used: number }> = [];
  const index = new Map<string, number>();
  for (let t = Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth(), new Date(start).getUTCDate()); t < end; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    index.set(day, days.length);
    days.push({ day, used: 0 });
  }
  for (const item of items) {
    if (item.type !== 'charge' && item.type !== 'refund') continue;
    const at = Date.parse(item.at);
    if (at < start || at >= end) continue;
    const i = index.get(new Date(at).toISOString().slice(0, 10));
    if (i !== undefined) days[i].used = Math.max(0, days[i].used - item.amount);
  }
  return days;
}

function UsageChart({ period, available }: { period: CreditsView['period']; available: number }) {
  const [items, setItems] = useState<LedgerItem[] | null>(null);
  // As few requests as the API allows: its largest page.
  const pageSize = useCatalog().limits.ledgerPage.max;
  useEffect(() => {
    let live = true;
    (async () => {
      const all: LedgerItem[] = [];
      let cursor: string | null | undefined;
      const start = Date.parse(period.start);
      for (let page = 0; page < CHART_MAX_PAGES; page++) {
        const res = await api.ledger(pageSize, cursor);
        all.push(...res.items);
        cursor = res.nextCursor;
        // Newest first: once an entry predates the period, the rest do too.
        if (!cursor || res.items.some((i) => Date.parse(i.at) < start)) break;
      }
      if (live) setItems(all);
    })().catch((err) => {
      if (live) setItems([]);
      reportError(err, 'Could not load the usage chart');
    });
    return () => {
      live = false;
    };
    // Reload when the balance moves, so the chart follows what the merchant just did.
  }, [period.start, period.end, available]);

  // Drawn at the width it is shown at (one SVG unit = one CSS pixel), so its labels stay readable
  // on a phone instead of shrinking with a fixed viewBox.
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(240, Math.round(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [items === null]);

  const days = items ? usagePerDay(items, period) : [];
  const max = Math.max(1, ...days.map((d) => d.used));
  const total = days.reduce((n, d) => n + d.used, 0);
  const W = width;
  const H = 180;
  // Day labels need room: every 7th day on a wide chart, fewer on a narrow one.
  const labelEvery = W < 480 ? 10 : 7;
  const pad = { l: 28, r: 8, t: 10, b: 24 };
  const bw = days.length ? (W - pad.l - pad.r) / days.length : 0;
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const ticks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);

  return (
    <section class="card" aria-labelledby="chart-title" data-testid="usage-chart">
      <CardHead
        id="chart-title"
        title="Credits used per day"
        note={
          <>
            This period: <strong data-testid="usage-total">{total}</strong> credits used
          </>
        }
      />
      <div ref={box} class="chart-box">
      {items === null ? (
        <p class="muted">Loading…</p>
      ) : (
        <svg
          class="chart"
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={`Credits used per day from ${formatDate(period.start)} to ${formatDate(period.end)}: ${total} in total, at most ${max === 1 && total === 0 ? 0 : max} in a day.`}
          data-testid="usage-chart-svg"
        >
          {ticks.map((v) => (
            <g key={v}>
              <line x1={pad.l} x2={W - pad.r} y1={y(v)} y2={y(v)} class="chart-grid" />
              <text x={pad.l - 6} y={y(v) + 4} class="chart-axis" text-anchor="end">
                {v}
              </text>
            </g>
          ))}
          {days.map((d, i) => {
            const h = y(0) - y(d.used);
            return (
              <g key={d.day}>
                <rect
                  x={pad.l + i * bw + bw * 0.15}
                  y={y(d.used)}
                  width={Math.max(1, bw * 0.7)}
                  height={Math.max(0, h)}
                  rx={Math.min(3, bw * 0.2)}
                  class="chart-bar"
                  data-testid="usage-bar"
                  data-day={d.day}
                  data-used={d.used}
                >
                  <title>
                    {d.day}: {d.used} credits
                  </title>
                </rect>
                {(i === days.length - 1 || (i % labelEvery === 0 && days.length - 1 - i >= labelEvery / 2 + 1)) && (
                  // The last day's label ends at the chart's edge instead of being cut by it.
                  <text
                    x={i === days.length - 1 ? W - 2 : pad.l + i * bw + bw / 2}
                    y={H - 6}
                    class="chart-axis"
                    text-anchor={i === days.length - 1 ? 'end' : 'middle'}
                  >
                    {d.day.slice(5).replace('-', '/')}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      )}
      </div>
    </section>
  );
}

function LedgerTable() {
  const session = useAppState((s) => s.session);
  const available = useAppState((s) => s.credits?.credits.available);
  const [items, setItems] = useState<LedgerItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const catalog = useCatalog();
  const pageSize = Math.min(PAGE_SIZE, catalog.limits.ledgerPage.max);
  const { busy: loading, run } = useAction('Could not load the usage history', true);

  const load = (from: string | null, append: boolean) =>
    run(async () => {
      const page = await api.ledger(pageSize, from);
      setItems((prev) => (append ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor ?? null);
    });
  useEffect(() => {
    void load(null, false);
  }, [session, available]);
  const rows = groupLedger(items);

  return (
    <section class="card" aria-labelledby="ledger-title" data-testid="ledger">
      <CardHead id="ledger-title" title="Usage history" note="Every credit in and out, newest first">
        <ExportCsv />
      </CardHead>
      <div class="table-wrap">
        <table class="table ledger-table">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Activity</th>
              <th scope="col" class="num">
                Credits
              </th>
              <th scope="col" class="num">
                Balance
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="ledger-row" data-type={r.type} data-amount={r.amount}>
                <td class="ledger-date">{formatDateTime(r.at)}</td>
                <td class="ledger-activity">
                  {activity(r, catalog)}
                  <SourcesLine row={r} />
                </td>
                <td class={`num ledger-amount ${r.amount < 0 ? 'neg' : 'pos'}`} data-testid="ledger-amount">
                  {r.amount > 0 ? `+${r.amount}` : r.amount}
                </td>
                <td class="num ledger-balance" data-testid="ledger-balance">
                  <span class="ledger-balance-label">Balance </span>
                  {r.balanceAfter}
                </td>
              </tr>
            ))}
            {!loading && rows.length === 0 && (
              <tr>
                <td colSpan={4} class="muted">
                  No activity yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {cursor && (
        <div class="row center">
          <button type="button" class="button" disabled={loading} onClick={() => load(cursor, true)} data-testid="ledger-load-more">
            {loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}

function Notifications() {
  const session = useAppState((s) => s.session);
  const available = useAppState((s) => s.credits?.credits.available);
  const { items, setItems } = useList(() => api.notifications().then((p) => p.items ?? []), [session, available], 'Could not load the notifications');

  const markRead = async (n: AppNotification) => {
    try {
      await api.markRead(n.id);
      setItems((prev) => prev?.map((x) => (x.id === n.id ? { ...x, readAt: new Date().toISOString() } : x)) ?? null);
    } catch (err) {
      reportError(err, 'Could not mark it read');
    }
  };

  const unread = items?.filter((n) => !n.readAt).length ?? 0;
  return (
    <section class="card" aria-labelledby="notif-title" data-testid="notifications">
      <h2 id="notif-title">
        Notifications{' '}
        {unread > 0 && (
          <span class="badge accent" data-testid="notifications-unread">
            {unread} unread
          </span>
        )}
      </h2>
      {items === null && <p class="muted">Loading…</p>}
      {items?.length === 0 && <p class="muted">No notifications.</p>}
      <ul class="notif-list" role="list">
        {items?.map((n) => (
          <li key={n.id} class={`notif${n.readAt ? ' is-read' : ''}`} data-testid="notification-item" data-type={n.type} data-read={n.readAt ? 'true' : 'false'}>
            <span class="notif-dot" aria-hidden="true" />
            <div class="notif-text">
              <p class="notif-title" data-testid="notification-title">
                {notificationTitle(n)}
              </p>
              <p>{plainMessage(n.message, n.createdAt)}</p>
              <span class="muted small">
                {formatDateTime(n.createdAt)}
                {n.readAt ? ' · Read' : ''}
              </span>
            </div>
            {!n.readAt && (
              <button type="button" class="button small ghost" onClick={() => markRead(n)} data-testid="notification-mark-read" aria-label={`Mark read: ${plainMessage(n.message, n.createdAt)}`}>
                Mark read
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
