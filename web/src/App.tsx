/** The shell: developer bar (local mode), top navigation, section navigation, the page, modals, toasts. */
import type { ComponentType } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { loadCatalog, watchPendingTopUp } from './actions.ts';
import { Banners } from './components/Banners.tsx';
import { DevBar } from './components/DevBar.tsx';
import { Toasts } from './components/Toasts.tsx';
import { TopNav } from './components/TopNav.tsx';
import { HistoryDrawer } from './components/HistoryDrawer.tsx';
import { JobConfirmModal } from './components/JobConfirmModal.tsx';
import { TopUpModal } from './components/TopUpModal.tsx';
import { UpgradeModal } from './components/UpgradeModal.tsx';
import { BlogPage } from './pages/BlogPage.tsx';
import { CataloguePage } from './pages/CataloguePage.tsx';
import { DesignPage } from './pages/DesignPage.tsx';
import { ProductPage } from './pages/ProductPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { useRoute, type Route } from './router.ts';
import { useAppState } from './store.ts';

const NAV: Array<{ route: Route; group: string; label: string }> = [
  { route: 'product', group: 'Inventory', label: 'Edit product' },
  { route: 'catalogue', group: 'Inventory', label: 'Products' },
  { route: 'blog', group: 'Content', label: 'Blog' },
  { route: 'design', group: 'Online store', label: 'Website design' },
  { route: 'settings', group: 'Settings', label: 'AI Credits' },
];

const PAGES: Record<Route, ComponentType> = {
  product: ProductPage,
  catalogue: CataloguePage,
  blog: BlogPage,
  design: DesignPage,
  settings: SettingsPage,
};

export function App() {
  const route = useRoute();
  const mode = useAppState((s) => s.config.mode);
  const modal = useAppState((s) => s.modal);
  const session = useAppState((s) => s.session);
  const pendingId = useAppState((s) => s.pendingTopUp?.id);
  const ready = useAppState((s) => s.catalog !== null);
  const main = useRef<HTMLElement>(null);
  const tabs = useRef<HTMLUListElement>(null);
  const firstRoute = useRef(true);

  useEffect(() => (pendingId ? watchPendingTopUp() : undefined), [pendingId]);

  // A route change moves focus to the new page, as a full page load would for assistive tech.
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    window.scrollTo(0, 0);
    main.current?.focus({ preventScroll: true });
  }, [route]);

  // On a narrow screen the sections are a row of tabs that scrolls sideways: keep the current one in view.
  useEffect(() => {
    const list = tabs.current;
    const current = list?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!list || !current || list.scrollWidth <= list.clientWidth) return;
    const left = current.offsetLeft - list.offsetLeft;
    if (left < list.scrollLeft || left + current.offsetWidth > list.scrollLeft + list.clientWidth) {
      list.scrollLeft = left - (list.clientWidth - current.offsetWidth) / 2;
    }
  }, [route]);

  const Page = PAGES[route];
  return (
    <>
      <div id="app-shell">
        <button type="button" class="skip-link" onClick={() => main.current?.focus()}>
          Skip to content
        </button>
        {mode === 'local' && <DevBar />}
        <TopNav />
        <div class="layout">
          <nav class="sidenav" aria-label="Sections">
            <ul role="list" ref={tabs}>
              {NAV.map((n) => (
                <li key={n.route}>
                  <a href={`#/${n.route}`} aria-current={route === n.route ? 'page' : undefined} data-testid={`nav-${n.route}`}>
                    <span class="sidenav-group">{n.group}</span>
                    <span class="sidenav-label">{n.label}</span>
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <main id="main" ref={main} tabIndex={-1} data-testid={`page-${route}`}>
            <Banners />
            {ready ? <Page key={session} /> : <CatalogPending />}
          </main>
        </div>
      </div>
      {ready && modal?.kind === 'upgrade' && <UpgradeModal reason={modal.reason} />}
      {ready && modal?.kind === 'topup' && <TopUpModal reason={modal.reason} />}
      {ready && modal?.kind === 'job-confirm' && (
        <JobConfirmModal feature={modal.feature} items={modal.items} skipExisting={modal.skipExisting} autoSelect={modal.autoSelect} skippedEstimate={modal.skippedEstimate} />
      )}
      {ready && modal?.kind === 'history' && <HistoryDrawer key={`${modal.productId}/${modal.field}`} productId={modal.productId} field={modal.field} label={modal.label} />}
      <Toasts />
    </>
  );
}

/** Before the catalog is here the pages cannot show a cost or a limit: say so, and offer a retry when it failed. */
function CatalogPending() {
  const error = useAppState((s) => s.catalogError);
  if (!error) {
    return (
      <p class="muted" role="status" data-testid="catalog-loading">
        Loading…
      </p>
    );
  }
  return (
    <div class="card" role="alert" data-testid="catalog-error">
      <p>The plans and prices could not be loaded: {error}</p>
      <button type="button" class="button primary" onClick={() => void loadCatalog()} data-testid="catalog-retry">
        Try again
      </button>
    </div>
  );
}
