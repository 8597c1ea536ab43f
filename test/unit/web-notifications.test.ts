/**
 * The notification titles of the page (web/src/notifications.ts): every type the service writes, the
 * v2 alert and auto top-up types among them, has plain words, and an alert names its threshold.
 */
import { describe, expect, it } from 'vitest';
import { notificationTitle, percent } from '../../web/src/notifications.ts';

describe('notification titles', () => {
  it('given a low_balance alert with its threshold, then the title names the share of the allowance', () => {
    expect(notificationTitle({ type: 'low_balance', threshold: 0.2 })).toBe('AI credits below 20% of this month’s');
    expect(notificationTitle({ type: 'low_balance', threshold: 0.5 })).toBe('AI credits below 50% of this month’s');
    // A threshold given as a percentage reads the same.
    expect(notificationTitle({ type: 'low_balance', threshold: 20 })).toBe('AI credits below 20% of this month’s');
  });

  it('given a low_balance without a threshold (written before alerts had several), then a plain title without a number', () => {
    expect(notificationTitle({ type: 'low_balance' })).toBe('AI credits running low');
    expect(notificationTitle({ type: 'low_balance', threshold: null })).toBe('AI credits running low');
  });

  it('given each v2 type, then its title is words, not the type id', () => {
    const types = ['credits_depleted', 'credits_recovered', 'credits_expiring', 'auto_top_up_disabled', 'auto_top_up_limit_reached', 'generation_job_completed'];
    const titles = types.map((type) => notificationTitle({ type }));
    expect(titles).toEqual([
      'AI credits used up',
      'AI credits back up',
      'AI credits expire soon',
      'Auto top-up turned off',
      'Auto top-up limit reached this month',
      'Bulk generation finished',
    ]);
    expect(notificationTitle({ type: 'credits_recovered', threshold: 0.2 })).toBe('AI credits back above 20%');
  });

  it('given a type the page does not know, then a neutral title, never the raw id', () => {
    expect(notificationTitle({ type: 'something_new' })).toBe('AI Credits update');
  });

  it('rounds a threshold to a whole percentage', () => {
    expect(percent(0.333)).toBe('33%');
  });
});
