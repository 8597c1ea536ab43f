/**
 * Billing periods: each runs from its start to the same day and time of the next month, clamped to
 * that month's end (a period anchored on Jan 31 runs to Feb 28/29, then to Mar 31).
 */

/** The n-th monthly boundary after `anchor`, keeping the anchor's day-of-month where the month allows. */
export function addMonthsClamped(anchor: Date, months: number): Date {
  const y = anchor.getUTCFullYear();
  const m = anchor.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(anchor.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(targetYear, targetMonth, day, anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds(), anchor.getUTCMilliseconds()),
  );
}

export interface Period {
  start: Date;
  end: Date;
}

/** The anchor of a new account's periods: the start of its creation day (UTC). */
export function anchorFor(createdAt: Date): Date {
  return new Date(Date.UTC(createdAt.getUTCFullYear(), createdAt.getUTCMonth(), createdAt.getUTCDate()));
}

/** The period (of the series anchored at `anchor`) that contains `now`. */
export function periodContaining(anchor: Date, now: Date): Period {
  // Estimate the month index, then step to the exact one: clamping makes months uneven.
  let k = (now.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (now.getUTCMonth() - anchor.getUTCMonth());
  if (k < 0) k = 0;
  while (k > 0 && addMonthsClamped(anchor, k) > now) k--;
  while (addMonthsClamped(anchor, k + 1) <= now) k++;
  return { start: addMonthsClamped(anchor, k), end: addMonthsClamped(anchor, k + 1) };
}
