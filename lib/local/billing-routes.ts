/**
 * Local-only routes that play the billing system (never deployed): a checkout page for top-ups and a
 * plan switch. They do what the real billing system does: send a SIGNED webhook over HTTP to the real
 * `POST /v1/webhooks/subscriptions`, so the whole path (signature, validation, bus, handler) runs.
 */
import * as z from '#zod';
import { TOP_UP_PACKS } from '../../functions/config.ts';
import { autoTopUpFromMarker } from '../../functions/core/auto-top-up.ts';
import { epochSeconds, serviceClock } from '../../functions/core/clock.ts';
import { newId } from '../../functions/core/ids.ts';
import { PlanId, accountIdParam } from '../../functions/core/requests.ts';
import type { TopUp } from '../../functions/core/top-ups.ts';
import { signatureHeader } from '../../functions/core/webhook-signature.ts';
import { deps } from './deps.ts';
import { addLocalRoutes, isResponse, parseLocal, type LocalContext } from './local-routes.ts';
import type { LocalRequest, LocalResponse } from './server.ts';

export const WEBHOOK_PATH = '/v1/webhooks/subscriptions';

export interface SentWebhook {
  event: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  status: number;
  body: unknown;
}

/**
 * Sends one signed billing event to the stack's webhook endpoint, then waits until the bus has applied
 * it, so whoever asked (a browser, a test) sees the result on its next request.
 */
export async function sendBillingEvent(ctx: LocalContext, type: string, data: Record<string, unknown>): Promise<SentWebhook> {
  const now = serviceClock.now();
  const event = { id: newId('evt', now), type, createdAt: now.toISOString(), data };
  const body = JSON.stringify(event);
  const res = await fetch(`${ctx.url()}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-signature': signatureHeader(ctx.webhookSecret, epochSeconds(now), body) },
    body,
  });
  const text = await res.text();
  await ctx.bus.drain();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { event, status: res.status, body: parsed };
}

/** The path of a top-up's checkout page: the local half of the `checkoutUrl` the service issues. */
const checkoutPath = (t: Pick<TopUp, 'accountId' | 'id'>): string => `/local/checkout/${encodeURIComponent(t.accountId)}/${encodeURIComponent(t.id)}`;

const TopUpIdParam = z.string().check(z.minLength(1), z.maxLength(100));

/**
 * The top-up a checkout URL names, read by its key (the account and the top-up: functions/core/top-ups.ts
 * `checkoutUrl`), or null when there is none under that account, or either part is not a valid id (a key
 * DynamoDB would refuse is not a top-up either).
 */
async function findTopUp(params: Record<string, string>): Promise<TopUp | null> {
  const accountId = accountIdParam.safeParse(params.accountId);
  const topUpId = TopUpIdParam.safeParse(params.topUpId);
  if (!accountId.success || !topUpId.success) return null;
  const stored = await deps().topUps.getTopUp(accountId.data, topUpId.data);
  if (stored) return stored;
  // An auto top-up whose writer died after its pending marker: the billing system knows it (topup.requested).
  const account = await deps().store.getAccount(accountId.data);
  return account ? autoTopUpFromMarker(deps(), account, topUpId.data) : null;
}

const escape = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1b1d21; }
  main { max-width: 28rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 1px 4px rgb(0 0 0 / 0.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .4rem 1rem; }
  dt { color: #4a4f57; } dd { margin: 0; font-weight: 600; }
  .actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
  button { font: inherit; padding: .6rem 1.4rem; border-radius: 8px; border: 2px solid #1f4fd1; cursor: pointer; }
  .pay { background: #1f4fd1; color: #fff; } .cancel { background: #fff; color: #1f4fd1; }
  button:focus-visible, a:focus-visible { outline: 3px solid #e8a200; outline-offset: 2px; }
  .note { color: #4a4f57; font-size: .9rem; }
  a { color: #1f4fd1; }`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · AI Credits local checkout</title><style>${STYLE}</style></head>
<body><main>${body}</main></body>
</html>`;
}

/**
 * Where a browser goes back to after the checkout: a path of this origin only (an open redirect to
 * another site is the classic checkout hole), with the `topup=done` marker the page resumes on.
 * Anything else falls back to the app's root.
 */
export function safeReturnTo(raw: unknown, origin: string): string {
  const fallback = '/?topup=done';
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return fallback;
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin) return fallback;
  url.searchParams.set('topup', 'done');
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The query string that carries `returnTo` from the checkout page through its forms. */
const returnQuery = (returnTo: string | undefined): string => (returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : '');

/**
 * Once paid or cancelled: a tab the app opened tells the app (same origin only) and closes itself, so
 * the merchant is back in the tab, on the page and at the action that needed credits. A tab that was
 * not opened by the app (or may not close) goes back to `returnTo` instead.
 */
function settledScript(t: TopUp, back: string): string {
  const message = JSON.stringify({ type: 'ai-credits:checkout', topUpId: t.id, status: t.status }).replace(/</g, '\\u003c');
  return `<script>
(function () {
  var back = ${JSON.stringify(back).replace(/</g, '\\u003c')};
  try {
    if (window.opener && window.opener.location.origin === location.origin) {
      window.opener.postMessage(${message}, location.origin);
      window.close();
    }
  } catch (e) { /* an opener of another origin: not ours to tell */ }
  if (!window.closed) location.replace(back);
})();
</script>`;
}

interface CheckoutView {
  /** The app page to go back to, already checked to be of this origin. */
  back: string;
  /** The raw `returnTo` to carry through the forms. */
  returnTo?: string;
  /** Just paid or cancelled: tell the app and go back. */
  settled: boolean;
}

function checkoutPage(t: TopUp, view: CheckoutView): string {
  const pack = TOP_UP_PACKS.find((p) => p.id === t.packId);
  const price = t.price ?? pack?.price;
  const statusText = { pending: 'Awaiting payment', paid: 'Paid', failed: 'Payment failed (you can try again)' }[t.status];
  const action = (what: 'pay' | 'cancel') => `${checkoutPath(t)}/${what}${returnQuery(view.returnTo)}`;
  const packName = pack ? `${pack.credits} credits` : `${t.credits} credits`;
  const buttons =
    t.status === 'paid'
      ? `<p role="status">This top-up is paid: ${escape(t.credits)} credits were added to your purchased credits.</p>`
      : `<div class="actions">
  <form method="post" action="${action('pay')}"><button class="pay" type="submit">Pay ${escape(price?.amount)} ${escape(price?.currency)}</button></form>
  ${t.status === 'pending' ? `<form method="post" action="${action('cancel')}"><button class="cancel" type="submit">Cancel</button></form>` : ''}
</div>`;
  return page(
    'Buy AI credits',
    `<h1>Buy ${escape(t.credits)} AI credits</h1>
<dl>
  <dt>Pack</dt><dd>${escape(packName)} <code>${escape(t.packId)}</code></dd>
  <dt>Price</dt><dd>${escape(price?.amount)} ${escape(price?.currency)}</dd>
  <dt>Status</dt><dd>${escape(statusText)}</dd>
  <dt>Top-up</dt><dd><code>${escape(t.id)}</code></dd>
</dl>
${buttons}
<p class="note">Local test checkout: no money moves. Pay sends the signed <code>topup.paid</code> webhook, Cancel sends <code>topup.failed</code>.</p>
<p><a href="${escape(view.back)}">Back to the app</a></p>
${view.settled && t.status !== 'pending' ? settledScript(t, view.back) : ''}`,
  );
}

const wantsJson = (req: LocalRequest): boolean => /application\/json/.test(String(req.headers.accept ?? ''));

function notFound(req: LocalRequest, topUpId: string): LocalResponse {
  const message = `There is no top-up ${topUpId}.`;
  if (wantsJson(req)) return { status: 404, body: { error: { code: 'NOT_FOUND', message } } };
  return { status: 404, text: page('Not found', `<h1>Top-up not found</h1><p>${escape(message)}</p><p><a href="/">Back to the app</a></p>`) };
}

/**
 * Pay or cancel: the webhook, then back to the app (a browser) or the outcome as JSON (a script, or
 * `json`: the billing simulator's routes for top-ups without a checkout, such as auto top-ups).
 */
async function settle(ctx: LocalContext, req: LocalRequest, type: 'topup.paid' | 'topup.failed', json = wantsJson(req)): Promise<LocalResponse> {
  const topUp = await findTopUp(req.params);
  if (!topUp) return notFound(json ? { ...req, headers: { ...req.headers, accept: 'application/json' } } : req, req.params.topUpId);
  const sent = await sendBillingEvent(ctx, type, { accountId: topUp.accountId, topUpId: topUp.id });
  const after = await deps().topUps.getTopUp(topUp.accountId, topUp.id);
  if (json) return { status: sent.status === 202 ? 200 : 502, body: { webhook: sent, topUp: after } };
  if (sent.status !== 202) {
    return { status: 502, text: page('Webhook refused', `<h1>The webhook was refused</h1><p>Status ${sent.status}: <code>${escape(JSON.stringify(sent.body))}</code></p>`) };
  }
  // A checkout the app opened names where it came from: back to this checkout page, which tells the
  // app's tab and closes, or returns there. Without it, straight to the app's root as always.
  const returnTo = req.query.get('returnTo') ?? undefined;
  const location = returnTo
    ? `${checkoutPath(topUp)}?settled=1&returnTo=${encodeURIComponent(returnTo)}`
    : safeReturnTo(undefined, ctx.url());
  return { status: 303, headers: { location }, text: page('Done', `<p><a href="${escape(location)}">Continue</a></p>`) };
}

const PlanRequest = z.strictObject({ plan: PlanId });

addLocalRoutes((ctx) => [
  {
    method: 'GET',
    path: '/local/checkout/{accountId}/{topUpId}',
    async handle(req) {
      const topUp = await findTopUp(req.params);
      if (!topUp) return notFound(req, req.params.topUpId);
      if (wantsJson(req)) return { status: 200, body: topUp };
      const returnTo = req.query.get('returnTo') ?? undefined;
      const view = { back: safeReturnTo(returnTo, ctx.url()), returnTo, settled: req.query.get('settled') === '1' };
      return { status: 200, text: checkoutPage(topUp, view) };
    },
  },
  { method: 'POST', path: '/local/checkout/{accountId}/{topUpId}/pay', handle: (req) => settle(ctx, req, 'topup.paid') },
  { method: 'POST', path: '/local/checkout/{accountId}/{topUpId}/cancel', handle: (req) => settle(ctx, req, 'topup.failed') },
  // The billing system's answer to a top-up it charges itself (an auto top-up on the saved card): JSON only.
  { method: 'POST', path: '/local/top-ups/{accountId}/{topUpId}/pay', handle: (req) => settle(ctx, req, 'topup.paid', true) },
  { method: 'POST', path: '/local/top-ups/{accountId}/{topUpId}/fail', handle: (req) => settle(ctx, req, 'topup.failed', true) },
  {
    method: 'POST',
    path: '/local/accounts/{accountId}/plan',
    async handle(req) {
      const accountId = accountIdParam.safeParse(req.params.accountId);
      if (!accountId.success) {
        return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'The request is not valid.', issues: [{ path: 'path.accountId', message: accountId.error.issues[0]?.message }] } } };
      }
      const body = parseLocal(req, PlanRequest);
      if (isResponse(body)) return body;
      // Moving to free is how the billing system reports a cancelled subscription.
      const sent =
        body.plan === 'free'
          ? await sendBillingEvent(ctx, 'subscription.canceled', { accountId: accountId.data })
          : await sendBillingEvent(ctx, 'subscription.updated', { accountId: accountId.data, plan: body.plan });
      return { status: sent.status === 202 ? 200 : 502, body: { webhook: sent } };
    },
  },
]);
