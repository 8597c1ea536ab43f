/**
 * A notification's title in the merchant's words, by type. The service's `message` says the details
 * (amounts, dates) and is shown under it; the title names what happened at a glance. Types the page does
 * not know yet (a newer service) get a neutral title rather than their id.
 */

/** What the page reads of a notification: its type, and the alert threshold where there is one. */
export interface NotificationFacts {
  type: string;
  /** `low_balance` / `credits_recovered`: the share of the monthly allowance (0.2, or 20 as a percentage). */
  threshold?: number | null;
}

/** 0.2 → "20%"; a value above 1 is taken as a percentage already. */
export function percent(threshold: number): string {
  return `${Math.round(threshold > 1 ? threshold : threshold * 100)}%`;
}

const TITLES: Record<string, string> = {
  low_balance: 'AI credits running low',
  credits_depleted: 'AI credits used up',
  credits_recovered: 'AI credits back up',
  credits_expiring: 'AI credits expire soon',
  auto_top_up_disabled: 'Auto top-up turned off',
  auto_top_up_limit_reached: 'Auto top-up limit reached this month',
  generation_job_completed: 'Bulk generation finished',
  cooldown_started: 'Hourly generation limit reached',
  credits_reset: 'Credits reset for your new plan',
  credits_refreshed: 'Monthly credits renewed',
  top_up_completed: 'Top-up added',
  blog_published: 'Blog post published',
};

export function notificationTitle(n: NotificationFacts): string {
  const t = typeof n.threshold === 'number' && Number.isFinite(n.threshold) && n.threshold > 0 ? percent(n.threshold) : null;
  if (n.type === 'low_balance' && t) return `AI credits below ${t} of this month’s`;
  if (n.type === 'credits_recovered' && t) return `AI credits back above ${t}`;
  return TITLES[n.type] ?? 'AI Credits update';
}
