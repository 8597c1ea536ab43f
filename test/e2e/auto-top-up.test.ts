/**
 * Settings › AI Credits: the Auto top-up card (GET/PUT /v1/credits/auto-top-up) with the developer bar's
 * billing simulator paying or failing the pending auto top-up; the notification it causes in plain words.
 * Checked against the API.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PHONE, api, describeInBrowser, expectAccessible, expectText, newAccount, open, setPlan, shot } from '../support/browser.ts';

const GENERATION = { feature: 'product_description', productId: 'prod_settings', input: { name: 'Linen Apron', category: 'Kitchen', tone: 'friendly' } };

async function generate(account: string): Promise<void> {
  const r = await api(account, 'POST', '/v1/generations', GENERATION);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

async function autoSetting(account: string) {
  const r = await api(account, 'GET', '/v1/credits/auto-top-up');
  expect(r.status).toBe(200);
  return r.body;
}

/** The Settings page read again (the cards read their state as they mount). */
async function reopenSettings(page: Page): Promise<void> {
  await page.reload();
  await page.getByTestId('settings-plan').waitFor();
}

describeInBrowser('settings: auto top-up (browser, local stack)', { accountPrefix: 'acct_e2e_set' }, () => {
  it('given a free merchant, then the Auto top-up card shows the way to a paid plan', async () => {
    const account = newAccount('autofree');
    const { page } = await open(account, 'settings');
    await page.getByTestId('auto-top-up-free').waitFor();
    expect(await page.getByTestId('auto-top-up-form').count()).toBe(0);
    await page.getByTestId('auto-top-up-upgrade').click();
    await page.getByTestId('upgrade-modal').waitFor();
  });

  it('given auto top-up set on the card, when a charge takes the balance below the threshold, then the card lists the pending top-up and the developer bar pays it: 50 credits land', async () => {
    const account = newAccount('autopay');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account, 'settings');
    const card = page.getByTestId('auto-top-up');
    await expectText(card.getByTestId('auto-top-up-status'), /No credits are bought automatically/);
    await card.getByTestId('auto-top-up-enabled').check();
    await card.getByTestId('auto-top-up-threshold').fill('99');
    await card.getByTestId('auto-top-up-pack').selectOption('pack_50');
    await card.getByTestId('auto-top-up-limit').fill('2');
    await card.getByTestId('auto-top-up-save').click();
    await expect.poll(() => card.getByTestId('auto-top-up-status').getAttribute('data-enabled')).toBe('true');
    expect(await autoSetting(account)).toMatchObject({ enabled: true, packId: 'pack_50', thresholdCredits: 99, monthlyLimit: 2 });

    // 100 → 98: below 99, one auto top-up is requested for the saved card.
    await generate(account);
    await generate(account);
    await expect.poll(async () => (await autoSetting(account)).pending?.topUpId ?? null).not.toBeNull();
    const { pending } = await autoSetting(account);
    await reopenSettings(page);
    await expect.poll(() => card.getByTestId('auto-top-up-attempt').first().getAttribute('data-status')).toBe('pending');
    expect(await card.getByTestId('auto-top-up-attempt').first().getAttribute('data-id')).toBe(pending.topUpId);
    await expectText(card.getByTestId('auto-top-up-month'), /one is waiting for the card payment/);
    const dev = page.getByTestId('dev-auto-top-up');
    expect(await dev.getAttribute('data-id')).toBe(pending.topUpId);
    await expectAccessible(page, 'Settings with the auto top-up card and a pending top-up');
    await shot(page, 'settings-auto-top-up-pending');

    await dev.getByTestId('dev-auto-top-up-pay').click();
    await expectText(page.getByTestId('credits-count'), '148');
    expect((await api(account, 'GET', '/v1/credits')).body.credits.available).toBe(148);
    await expect.poll(() => page.getByTestId('dev-auto-top-up').count()).toBe(0);
    await expect.poll(() => card.getByTestId('auto-top-up-attempt').first().getAttribute('data-status')).toBe('paid');
    await expectText(card.getByTestId('auto-top-up-month'), /^1 of 2 this month/);
    expect(errors).toEqual([]);
  });

  it('given three auto top-ups failed in a row through the developer bar, then the card says it was turned off and why, and the notification reads in plain words', async () => {
    const account = newAccount('autofail');
    await setPlan(account, 'plus');
    const put = await api(account, 'PUT', '/v1/credits/auto-top-up', { enabled: true, packId: 'pack_50', thresholdCredits: 100, monthlyLimit: 10 });
    expect(put.status).toBe(200);
    const { page, errors } = await open(account, 'settings', PHONE);
    for (let i = 0; i < 3; i++) {
      await generate(account);
      await expect.poll(async () => (await autoSetting(account)).pending?.topUpId ?? null).not.toBeNull();
      await reopenSettings(page);
      // Folded on a phone: open the developer bar first.
      if (!(await page.getByTestId('dev-auto-top-up').isVisible().catch(() => false))) await page.locator('.devbar-toggle').click();
      await page.getByTestId('dev-auto-top-up-fail').click();
      await expect.poll(async () => (await autoSetting(account)).pending).toBeNull();
    }
    expect(await autoSetting(account)).toMatchObject({ enabled: false, disabledReason: 'failures' });
    await reopenSettings(page);
    await expectText(page.getByTestId('auto-top-up-disabled'), /three card payments failed/);
    const note = page.locator('[data-testid="notification-item"][data-type="auto_top_up_disabled"]').first();
    await expectText(note.getByTestId('notification-title'), 'Auto top-up turned off');
    expect(await page.getByTestId('auto-top-up-attempt').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')))).toEqual(['failed', 'failed', 'failed']);
    await expectAccessible(page, 'Settings on a phone, auto top-up turned off');
    expect(errors).toEqual([]);
  });
});
