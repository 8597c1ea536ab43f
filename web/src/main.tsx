import { render } from 'preact';
import { App } from './App.tsx';
import { initialAccountId, initialClockOffset, loadCatalog, refreshCredits, restorePendingTopUp, resumeAfterCheckout } from './actions.ts';
import { loadRuntimeConfig, takeHostToken } from './api.ts';
import { pushToast, setState } from './store.ts';
import './styles.css';

async function boot(): Promise<void> {
  // Before the first await: the token must leave the address bar at once, and the router must see the real route.
  takeHostToken();
  const config = await loadRuntimeConfig();
  setState({ config, accountId: config.mode === 'local' ? initialAccountId() : '' });
  if (config.mode === 'local') setState({ clockOffset: await initialClockOffset() });
  restorePendingTopUp();

  // Back from the checkout page (`/?topup=done`): keep the route, drop the marker, wait for the payment.
  const url = new URL(location.href);
  if (url.searchParams.has('topup')) {
    const clean = new URL(url);
    clean.searchParams.delete('topup');
    history.replaceState(null, '', clean.pathname + clean.search + clean.hash);
    pushToast({ kind: 'info', title: 'Back from checkout', message: 'Your balance updates as soon as the payment is confirmed.', ttlMs: 6000 });
  }

  const backFromCheckout = url.searchParams.has('topup');
  render(<App />, document.getElementById('root')!);
  // The catalog is read once, beside the balance: the pages wait for it (App), the top bar for the balance.
  await Promise.all([loadCatalog(), refreshCredits()]);
  if (backFromCheckout) await resumeAfterCheckout();
}

void boot();
