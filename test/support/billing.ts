/**
 * Test helpers that play the billing system: signed webhook deliveries (with the same signing module
 * the local checkout uses) and in-process spending for tests that need an account drained.
 */
import { charge } from '../../functions/core/credits.ts';
import { newId } from '../../functions/core/ids.ts';
import { signatureHeader } from '../../functions/core/webhook-signature.ts';
import { deps } from '../../lib/local/deps.ts';
import type { LocalStack } from '../../lib/local/stack.ts';
import { call, type ApiResponse } from './stack.ts';

export const WEBHOOK = '/v1/webhooks/subscriptions';
export const LOCAL_SECRET = 'local-webhook-secret';

export interface BillingEventBody {
  id: string;
  type: string;
  createdAt: string;
  data?: Record<string, unknown>;
}

/** The service clock's now, as the stack sees it (it follows `POST /local/clock`). */
export async function serviceNow(stack: LocalStack): Promise<Date> {
  const r = await call<{ now: string }>(`${stack.url}/local/clock`, { method: 'GET' });
  return new Date(r.body.now);
}

export async function billingEvent(stack: LocalStack, type: string, data: Record<string, unknown>, createdAt?: Date): Promise<BillingEventBody> {
  const at = createdAt ?? (await serviceNow(stack));
  return { id: newId('evt', at), type, createdAt: at.toISOString(), data };
}

export interface DeliveryOptions {
  secret?: string;
  /** Unix seconds for `t`; defaults to the service clock. */
  t?: number;
  /** The whole header, overriding the computed one; `null` sends none. */
  header?: string | null;
}

/** POSTs a raw body to the webhook endpoint, signed as the billing system would. */
export async function deliverRaw(stack: LocalStack, raw: string, opts: DeliveryOptions = {}): Promise<ApiResponse> {
  const t = opts.t ?? Math.floor((await serviceNow(stack)).getTime() / 1000);
  const header = opts.header === undefined ? signatureHeader(opts.secret ?? LOCAL_SECRET, t, raw) : opts.header;
  return call(`${stack.url}${WEBHOOK}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'webhook-signature': header }) },
    body: raw,
  });
}

export const deliver = (stack: LocalStack, event: BillingEventBody, opts: DeliveryOptions = {}) => deliverRaw(stack, JSON.stringify(event), opts);

/** Delivers and waits until the bus has applied it. */
export async function deliverAndSettle(stack: LocalStack, event: BillingEventBody, opts: DeliveryOptions = {}): Promise<ApiResponse> {
  const r = await deliver(stack, event, opts);
  await stack.bus.drain();
  return r;
}

/** Spends `n` credits of an account through the charging use case (as generations do), in one charge. */
export async function spend(accountId: string, n: number): Promise<void> {
  const d = deps();
  const account = await d.store.getAccount(accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  await charge(d, account, n, { feature: 'product_description', generationId: newId('gen') });
}
