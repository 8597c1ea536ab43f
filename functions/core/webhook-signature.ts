/**
 * The billing webhook signature: `Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * Shared by the webhook handler (verify) and by whatever plays the billing system (the local stack's
 * checkout and plan routes, tests), so both sides can never drift apart.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LIMITS } from '../config.ts';
import { InvalidSignature } from './errors.ts';

/** Hex HMAC-SHA256 of `"<t>.<body>"`. */
export function sign(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
}

/** The full header value for one secret (the billing system's side). */
export function signatureHeader(secret: string, t: number, body: string): string {
  return `t=${t},v1=${sign(secret, t, body)}`;
}

interface ParsedHeader {
  t: number;
  v1: Buffer[];
}

function parseHeader(header: string): ParsedHeader | null {
  let t: number | undefined;
  const v1: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || t !== undefined) return null;
      t = Number(value);
    } else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) {
      v1.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (v0, future v2) are ignored, as senders may add them alongside v1.
  }
  return t === undefined || v1.length === 0 ? null : { t, v1 };
}

/**
 * Accepts the body when one `v1` matches one of `secrets` (the current one first, then those kept during
 * a rotation) and `t` is within the tolerance of `nowSeconds` either way. Throws `InvalidSignature`.
 * Every candidate is compared in constant time; the loop's length depends only on counts, not contents.
 */
export function verify(
  header: string | undefined,
  rawBody: string,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds: number = LIMITS.webhookToleranceSeconds,
): void {
  if (!header) throw new InvalidSignature('The Webhook-Signature header is missing.');
  const parsed = parseHeader(header);
  if (!parsed) throw new InvalidSignature('The Webhook-Signature header is malformed: expected t=<unix seconds>,v1=<hex>.');
  if (Math.abs(nowSeconds - parsed.t) > toleranceSeconds) {
    throw new InvalidSignature(`The webhook timestamp is outside the ${toleranceSeconds} s tolerance.`);
  }
  let matched = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = Buffer.from(sign(secret, parsed.t, rawBody), 'hex');
    for (const candidate of parsed.v1) if (timingSafeEqual(expected, candidate)) matched = true;
  }
  if (!matched) throw new InvalidSignature('The webhook signature does not match.');
}
