/** Display helpers: dates, counts and plurals, in the merchant's locale. */
import { currentCatalog, planOf } from './catalog.ts';
import type { PlanId } from './types.ts';

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function credits(n: number): string {
  return plural(n, 'credit');
}

/** `mm:ss`, or `h:mm:ss` past an hour. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0');
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** A `datetime-local` value (local time, minute precision) for a Date. */
export function toDatetimeLocal(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `scheduled` → `Scheduled`. */
export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `14:05` on this browser's clock for a service instant (the API's messages speak UTC). */
function localTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

const PLAN_WORDS = /\b(plan (?:is now|changed to|moved to)) ([a-z]+)\b/gi;
const PACK_IDS = /\bpack_(\d+)\b/g;
const UTC_TIME = /\b(\d{2}):(\d{2}) UTC\b/g;

/**
 * A service message in the page's words: plan ids as the catalog's plan names ("plus" → "Plus"), pack ids as
 * what they hold, and "HH:MM UTC" as a local time like every other time on the page. `aroundIso`
 * is when the message was written: a UTC clock time is the first such instant at or after it.
 */
export function plainMessage(message: string, aroundIso?: string): string {
  const around = aroundIso ? Date.parse(aroundIso) : NaN;
  return message
    .replace(PLAN_WORDS, (m, lead: string, plan: string) => {
      const known = planOf(currentCatalog(), plan.toLowerCase() as PlanId);
      return known ? `${lead} ${known.label}` : m;
    })
    .replace(PACK_IDS, (_m, n: string) => `${n}-credit pack`)
    .replace(UTC_TIME, (m, hh: string, mm: string) => {
      if (Number.isNaN(around)) return m;
      const d = new Date(around);
      let at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), Number(hh), Number(mm));
      // Written at 23:58 about 00:13: that is the next day's 00:13.
      if (at < around - 60_000) at += 86_400_000;
      return localTime(at);
    });
}

/** A catalog price (`{ amount: '9.00', currency: 'USD' }`) in the merchant's locale: "$9.00". */
export function formatPrice(price: { amount: string; currency: string }): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: price.currency }).format(Number(price.amount));
  } catch {
    return `${price.amount} ${price.currency}`;
  }
}

/** A signed difference as copy writes it: "+75", "−25" (a minus sign), "±0". */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `\u2212${-n}` : '\u00b10';
}

/** A price per credit with one more significant digit than the currency has (e.g. $0.080). */
export function formatMoney(amount: number, currency: string, extraDigits = 0): string {
  try {
    const base = new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: base + extraDigits,
      maximumFractionDigits: base + extraDigits,
    }).format(amount);
  } catch {
    return `${amount.toFixed(2 + extraDigits)} ${currency}`;
  }
}

// What each step of the photo pipeline did, in a merchant's words; steps not listed are not worth telling.
const IMAGE_STEPS: Array<[RegExp, string]> = [
  [/^auto_oriented/, 'turned upright'],
  [/^exposure_brightened/, 'brightened'],
  [/^exposure_darkened/, 'exposure toned down'],
  [/^contrast_/, 'more contrast'],
  [/^white_balance/, 'natural colours'],
  [/^sharpened/, 'sharpened'],
  [/^background_replaced_with_white$/, 'white background'],
  [/^transparency_flattened_on_white$/, 'transparent areas made white'],
  [/^transparency_kept$/, 'transparency kept'],
];

/** "Brightened, natural colours, sharpened" from the pipeline's operation names. */
export function describeImageSteps(operations: readonly string[]): string {
  const words: string[] = [];
  for (const op of operations) {
    const hit = IMAGE_STEPS.find(([re]) => re.test(op));
    if (hit && !words.includes(hit[1])) words.push(hit[1]);
  }
  const text = words.join(', ');
  return text ? capitalize(text) : 'Cleaned up';
}

/** Whether the background of this result really was made white (the step can be skipped). */
export function backgroundWhitened(operations: readonly string[]): boolean {
  return operations.includes('background_replaced_with_white');
}
