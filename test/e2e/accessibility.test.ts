/**
 * Accessibility pass: axe-core on every page and every dialog of the merchant page (the credit sources,
 * usage by feature, the Upgrade and Change plan dialogs with their previews, the product editor, the
 * History drawer and the bulk job dialog among them), at a desktop
 * (1440×900) and a phone (390×844) viewport, as a free and as a paid merchant: no serious or
 * critical violation. Each page is also photographed at both sizes (test-output/screenshots/a11y-*).
 *
 * `E2E_BASE_URL=http://127.0.0.1:3000` runs the same tests against an already running stack (`npm start`).
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE, api, describeInBrowser, expectAccessible, expectText, newAccount, open, setPlan, shot } from '../support/browser.ts';

const PRODUCT_REQUEST = {
  feature: 'product_description',
  productId: 'prod_a11y',
  input: { name: 'A11y Test Mug', features: ['Stoneware'], tone: 'friendly' },
};

/** A small real PNG (the API decodes uploads before charging). */
async function samplePng(): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width: 96, height: 72, channels: 3, background: { r: 180, g: 120, b: 80 } } })
    .png()
    .toBuffer();
}

const ROUTES = ['product', 'catalogue', 'blog', 'design', 'settings'] as const;
const VIEWPORTS = [
  { name: 'desktop', size: DESKTOP },
  { name: 'phone', size: PHONE },
] as const;

/** Goes to a route in the open page and waits until the page has read what it shows. */
async function visit(page: Page, route: string): Promise<void> {
  await page.evaluate((r) => (location.hash = `#/${r}`), route);
  await page.getByTestId(`page-${route}`).waitFor();
  // Nothing still loading: the lists and the chart have answered.
  await expect.poll(() => page.locator('main .muted', { hasText: /^Loading/ }).count(), { timeout: 15_000 }).toBe(0);
}

/** An admin grant to the account. */
async function grant(account: string, body: { amount: number; reason: string; category: 'promotional' | 'compensation'; expiresAt?: string }): Promise<void> {
  const r = await api(account, 'POST', `/v1/admin/accounts/${account}/grants`, body, ['credits:admin']);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

/** The open Upgrade dialog has read every plan's preview (none still loading, none failed). */
async function previewsRead(page: Page): Promise<void> {
  const previews = page.locator('[data-testid^="upgrade-preview-"]');
  await expect.poll(() => previews.count()).toBeGreaterThan(0);
  await expect.poll(async () => (await previews.evaluateAll((els) => els.map((el) => el.getAttribute('data-state')))).every((s) => s === 'ready')).toBe(true);
}

describeInBrowser('accessibility (browser, local stack)', { accountPrefix: 'acct_e2e_a11y' }, () => {
  for (const { name, size } of VIEWPORTS) {
    it(`given a paid merchant at ${size.width}×${size.height}, then every page with its generated options and photo results, the credits popover, the Top Up dialog, the checkout page and the waiting banner have no serious or critical violation`, async () => {
      const account = newAccount(`paid_${name}`);
      await setPlan(account, 'plus');
      // Sources beyond the allowance: a grant that expires and one that does not (popover and Settings list them).
      await grant(account, { amount: 5, reason: 'Welcome offer', category: 'promotional', expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });
      await grant(account, { amount: 3, reason: 'Sorry for the outage', category: 'compensation' });
      const { page, context, errors } = await open(account, 'product', size);
      await expectText(page.getByTestId('credits-count'), /^108$/);

      // Pages with their AI options on show, as a merchant mostly sees them.
      await page.getByTestId('generate-description').click();
      await page.getByTestId('variant-description-1').waitFor();
      await page.getByTestId('generate-seo').click();
      await page.getByTestId('variant-seo-1').waitFor();
      // The photo beside its two results.
      await page.getByTestId('image-file').setInputFiles({ name: 'mug.png', mimeType: 'image/png', buffer: await samplePng() });
      await page.getByTestId('generate-image').click();
      await page.getByTestId('variant-image-1').waitFor({ timeout: 60_000 });
      // Blog drafts and design proposals too: each page is checked with its results on show.
      await visit(page, 'blog');
      await page.getByTestId('generate-blog').click();
      await page.getByTestId('variant-blog-1').waitFor({ timeout: 30_000 });
      await visit(page, 'design');
      await page.getByTestId('generate-design').click();
      await page.getByTestId('variant-design-1').waitFor({ timeout: 30_000 });
      for (const route of ROUTES) {
        await visit(page, route);
        await expectAccessible(page, `${name} #/${route}`);
        await shot(page, `a11y-${name}-${route}-paid`);
      }

      // Settings' usage by feature and its export button are on the page checked above; the plan
      // change dialog a paid merchant opens from there, with every plan's price and preview read.
      await page.getByTestId('settings-change-plan').click();
      await page.getByTestId('upgrade-modal').waitFor();
      await previewsRead(page);
      await expectAccessible(page, `${name} Change plan dialog`);
      await shot(page, `a11y-${name}-change-plan-modal`, false);
      await page.keyboard.press('Escape');
      await page.getByTestId('upgrade-modal').waitFor({ state: 'detached' });

      // The popover of the credits button, with the credit sources.
      await page.getByTestId('credits-button').click();
      await page.getByTestId('credits-popover').waitFor();
      await page.getByTestId('credits-sources').getByTestId('credit-source').nth(2).waitFor();
      await expectAccessible(page, `${name} credits popover`);
      await page.keyboard.press('Escape');

      await page.getByTestId('topup-button').click();
      await page.getByTestId('topup-pack-pack_50').waitFor();
      await expectAccessible(page, `${name} Top Up dialog`);
      await shot(page, `a11y-${name}-topup-modal`, false);
      // The local checkout page, and the dialog while it waits for the payment.
      const [checkout] = await Promise.all([context.waitForEvent('page'), page.getByTestId('topup-checkout').click()]);
      await checkout.getByRole('button', { name: /^Pay/ }).waitFor();
      await expectAccessible(checkout, `${name} checkout page`);
      await shot(checkout, `a11y-${name}-checkout`, false);
      await checkout.close();
      await page.getByTestId('topup-pending').waitFor();
      await expectAccessible(page, `${name} Top Up dialog, waiting for the payment`);
      // Closed while the payment is awaited: the inline banner says so.
      await page.keyboard.press('Escape');
      await page.getByTestId('topup-modal').waitFor({ state: 'detached' });
      await page.getByTestId('topup-pending-banner').waitFor();
      await expectAccessible(page, `${name} top-up waiting banner`);
      await page.getByTestId('topup-pending-forget').click();
      await page.getByTestId('topup-pending-banner').waitFor({ state: 'detached' });

      expect(errors).toEqual([]);
    }, 150_000); // Seven generations, a photo and ten axe runs: above the default 60 s on a loaded machine.

    it(`given a paid merchant at ${size.width}×${size.height} with past options, an open editor, the History drawer and the bulk job dialog, then none has a serious or critical violation`, async () => {
      const account = newAccount(`history_${name}`);
      await setPlan(account, 'plus');
      expect((await api(account, 'PUT', '/v1/products/prod_aurora_pourover/content', { description: 'An earlier description.' })).status).toBe(200);
      const { page, errors } = await open(account, 'product', size);
      for (let i = 0; i < 2; i++) {
        await page.getByTestId('generate-description').click();
        await expect.poll(() => page.getByTestId('past-option').count()).toBe(i === 0 ? 0 : 2);
        await page.getByTestId('variant-description-1').waitFor();
      }
      await page.getByTestId('past-options-description').locator('summary').click();
      await page.getByTestId('variant-description-0-edit').click();
      await page.getByTestId('description-draft-text').fill('My own words for the set.');
      await expectAccessible(page, `${name} past options and the description editor`);
      await shot(page, `a11y-${name}-product-editor`);
      await page.getByTestId('description-keep').click();
      await page.getByTestId('description-draft').waitFor({ state: 'detached' });
      await page.getByTestId('history-description').click();
      await expect.poll(() => page.getByTestId('history-version').count()).toBe(2);
      await expectAccessible(page, `${name} History drawer`);
      await shot(page, `a11y-${name}-history-drawer`, false);
      await page.keyboard.press('Escape');
      await page.getByTestId('history-drawer').waitFor({ state: 'detached' });

      await visit(page, 'catalogue');
      await page.getByTestId('catalogue-select').nth(0).check();
      await page.getByTestId('catalogue-select').nth(1).check();
      await page.getByTestId('catalogue-generate').click();
      await page.getByTestId('job-confirm').waitFor();
      await expectAccessible(page, `${name} bulk job dialog`);
      await shot(page, `a11y-${name}-job-confirm`, false);
      expect(errors).toEqual([]);
    });

    it(`given a merchant near and at the hourly limit at ${size.width}×${size.height}, then the attempts warning, the cooldown banner and an error toast have no serious or critical violation`, async () => {
      const account = newAccount(`limit_${name}`);
      await setPlan(account, 'pro');
      for (let i = 0; i < 8; i++) expect((await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST)).status).toBe(201);
      const { page, errors } = await open(account, 'product', size);
      await page.getByTestId('attempts-warning').waitFor();
      // A failure that never reached the service: an error toast beside the warning.
      await page.route('**/v1/generations', (route) => route.abort('internetdisconnected'));
      await page.getByTestId('generate-description').click();
      await page.getByTestId('toast-error').waitFor();
      await page.unroute('**/v1/generations');
      await expectAccessible(page, `${name} attempts warning and error toast`);
      // The last two elsewhere; the page's next attempt is refused (429) and the cooldown banner shows.
      for (let i = 0; i < 2; i++) expect((await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST)).status).toBe(201);
      await page.getByTestId('generate-description').click();
      await page.getByTestId('toast-cooldown').waitFor();
      await expectAccessible(page, `${name} cooldown banner`);
      await shot(page, `a11y-${name}-cooldown`, false);
      expect(errors).toEqual([]);
    });

    it(`given a free merchant at ${size.width}×${size.height}, then every page, the locked option and the Upgrade dialog have no serious or critical violation`, async () => {
      const account = newAccount(`free_${name}`);
      const { page, errors } = await open(account, 'product', size);
      await page.getByTestId('generate-description').click();
      await page.getByTestId('variant-locked').waitFor();
      for (const route of ROUTES) {
        await visit(page, route);
        await expectAccessible(page, `${name} free #/${route}`);
        await shot(page, `a11y-${name}-${route}-free`);
      }
      await page.getByTestId('settings-upgrade').click();
      await page.getByTestId('upgrade-modal').waitFor();
      await previewsRead(page);
      await expectAccessible(page, `${name} Upgrade dialog`);
      await shot(page, `a11y-${name}-upgrade-modal`, false);
      await page.keyboard.press('Escape');
      await page.getByTestId('upgrade-modal').waitFor({ state: 'detached' });
      expect(errors).toEqual([]);
    });
  }
});
