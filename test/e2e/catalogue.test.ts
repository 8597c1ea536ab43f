/**
 * Inventory › Products: the demo catalogue beside what the service holds (`GET /v1/products`), several
 * products picked, "Generate for selected" with the cost and the balance before confirming, and the bulk
 * job (`/v1/generation-jobs`) followed to its end, or canceled. Checked against the API.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, describeInBrowser, expectAccessible, expectText, newAccount, open, setPlan, shot } from '../support/browser.ts';

/** How many products the page's demo catalogue lists (web/src/demo-catalogue.ts). */
const DEMO_COUNT = 12;

async function rowsWith(page: Page, attr: string): Promise<string[]> {
  return page.locator(`[data-testid="catalogue-row"][${attr}="true"]`).evaluateAll((els) => els.map((el) => el.getAttribute('data-product-id')!));
}

describeInBrowser('catalogue and bulk jobs (browser, local stack)', { accountPrefix: 'acct_e2e_cat' }, () => {
  it('given a paid merchant with one description written, when all products are generated with skip on, then the dialog shows the cost and the balance, the job runs to the end with a live bar, and every product has its description', async () => {
    const account = newAccount('bulk');
    await setPlan(account, 'plus');
    expect((await api(account, 'PUT', '/v1/products/p-abaca-tote/content', { description: 'Woven by hand in Bohol.' })).status).toBe(200);
    const { page, errors } = await open(account, 'catalogue');
    await expect.poll(() => page.getByTestId('catalogue-row').count()).toBe(DEMO_COUNT);
    await expect.poll(() => rowsWith(page, 'data-has-description')).toEqual(['p-abaca-tote']);

    // Nothing picked: the button says why it waits.
    await expectText(page.getByTestId('catalogue-generate-reason'), /Select the products first/);
    await page.getByTestId('catalogue-select-all').check();
    await expectText(page.getByTestId('catalogue-selected-count'), /^12 products selected, 1 already written \(skipped\) · balance 100 credits$/);
    await expectText(page.getByTestId('catalogue-generate'), 'Generate for selected · 11 credits');
    await expectAccessible(page, 'catalogue');
    await shot(page, 'catalogue-selected');

    await page.getByTestId('catalogue-generate').click();
    const dialog = page.getByTestId('job-confirm');
    await dialog.waitFor();
    await expectText(dialog.getByTestId('job-confirm-count'), '12');
    await expectText(dialog.getByTestId('job-confirm-skipped'), '1');
    await expectText(dialog.getByTestId('job-confirm-cost'), /^11 credits/);
    await expectText(dialog.getByTestId('job-confirm-balance'), '100 credits');
    await expectText(dialog.getByTestId('job-confirm-after'), '89 credits');
    await expectAccessible(page, 'bulk job confirm dialog', '[data-testid="job-confirm"]');

    const [created] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/generation-jobs') && r.request().method() === 'POST'),
      dialog.getByTestId('job-confirm-start').click(),
    ]);
    expect(created.status()).toBe(202);
    const body = JSON.parse(created.request().postData() ?? '{}');
    expect(body).toMatchObject({ feature: 'product_description', skipExisting: true, autoSelect: 0 });
    expect(body.items).toHaveLength(DEMO_COUNT);
    expect(created.request().headers()['idempotency-key']).toBeTruthy();
    const job = await created.json();
    expect(job).toMatchObject({ total: DEMO_COUNT, skipped: 1, creditsHeld: 11 });

    const progress = page.getByTestId('job-progress');
    await expect.poll(() => progress.getAttribute('data-job-id')).toBe(job.id);
    // The bar moves as the items end, and ends full.
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 60_000 }).toBe('completed');
    expect(await page.getByTestId('job-progress-bar').getAttribute('aria-valuenow')).toBe(String(DEMO_COUNT));
    const final = (await api(account, 'GET', `/v1/generation-jobs/${job.id}`)).body;
    expect(final).toMatchObject({ status: 'completed', succeeded: 11, failed: 0, skipped: 1, creditsCharged: 11, creditsHeld: 0 });
    const counts = page.getByTestId('job-counts');
    expect(await counts.getAttribute('data-succeeded')).toBe('11');
    expect(await counts.getAttribute('data-skipped')).toBe('1');
    await expectText(page.getByTestId('credits-count'), '89');
    // autoSelect: every product now has a description, and the page reads them again.
    await expect.poll(async () => (await rowsWith(page, 'data-has-description')).length).toBe(DEMO_COUNT);
    await expectAccessible(page, 'catalogue with a finished job');
    await shot(page, 'catalogue-job-completed');

    // The result stays after a reload until it is closed.
    await page.reload();
    await expect.poll(() => page.getByTestId('job-progress').getAttribute('data-status')).toBe('completed');
    await page.getByTestId('job-dismiss').click();
    await expect.poll(() => page.getByTestId('job-progress').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('given a job under way, when the merchant cancels it, then the service is asked to cancel and the balance ends where the API says: only written products are paid for', async () => {
    const account = newAccount('cancel');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account, 'catalogue');
    await expect.poll(() => page.getByTestId('catalogue-row').count()).toBe(DEMO_COUNT);
    await page.getByTestId('catalogue-skip-existing').uncheck();
    await page.getByTestId('catalogue-auto-select').uncheck();
    await page.getByTestId('catalogue-select-all').check();
    await page.getByTestId('catalogue-generate').click();
    await page.getByTestId('job-confirm-start').click();
    const progress = page.getByTestId('job-progress');
    const cancel = page.getByTestId('job-cancel');
    await cancel.waitFor();
    const id = (await progress.getAttribute('data-job-id'))!;
    // The job may finish first on a fast machine: Cancel is only shown while it runs.
    const [asked] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/v1/generation-jobs/${id}/cancel`), { timeout: 5_000 }).catch(() => null),
      cancel.click({ timeout: 2_000 }).catch(() => undefined),
    ]);
    if (asked) expect(asked.status()).toBe(200);
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 60_000 }).toMatch(/^(canceled|completed)$/);
    const final = (await api(account, 'GET', `/v1/generation-jobs/${id}`)).body;
    // Every item ended one way; what was not written came back (items already running when it was canceled still end).
    expect(final.creditsHeld).toBe(0);
    expect(final.succeeded + final.failed + final.skipped + final.canceled).toBe(DEMO_COUNT);
    expect(final.creditsCharged).toBe(final.succeeded);
    expect(final.creditsRefunded).toBe(DEMO_COUNT - final.succeeded);
    expect(await page.getByTestId('job-counts').getAttribute('data-canceled')).toBe(String(final.canceled));
    await expectText(page.getByTestId('credits-count'), String(100 - final.creditsCharged));
    expect((await api(account, 'GET', '/v1/credits')).body.credits.available).toBe(100 - final.creditsCharged);
    // Without autoSelect nothing became the products' content.
    expect(await rowsWith(page, 'data-has-description')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('given a free merchant, then meta tags cannot be chosen for a job and say why, and descriptions can', async () => {
    const account = newAccount('free');
    const { page } = await open(account, 'catalogue');
    await expect.poll(() => page.getByTestId('catalogue-row').count()).toBe(DEMO_COUNT);
    expect(await page.getByTestId('catalogue-feature-seo').isDisabled()).toBe(true);
    await expectText(page.locator('#catalogue-seo-locked'), /paid plans/);
    await page.getByTestId('catalogue-select').nth(0).check();
    await page.getByTestId('catalogue-select').nth(1).check();
    await expectText(page.getByTestId('catalogue-generate'), 'Generate for selected · 2 credits');
    await page.getByTestId('catalogue-generate').click();
    await expectText(page.getByTestId('job-confirm-after'), '23 credits');
    await expectAccessible(page, 'catalogue confirm, free plan');
  });
});
