/**
 * The merchant page in a real browser against the real local stack (in memory, random port): every
 * behaviour of the page the API supports. The harness (stack, browser, accounts, screenshots in
 * test-output/screenshots/) is test/support/browser.ts.
 *
 * `E2E_BASE_URL=http://127.0.0.1:3000` runs the same tests against an already running stack (`npm start`).
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TOP_UP_PACKS } from '../../functions/config.ts';
import {
  api,
  appUrl,
  baseUrl,
  clickToGenerate,
  describeInBrowser,
  expectText,
  imageLoaded,
  markNoReload,
  newAccount,
  newContext,
  open,
  setClock,
  setPlan,
  shot,
  shotHere,
  tokenFor,
} from '../support/browser.ts';

const PHONE = { width: 375, height: 812 };

/** What each route shows once its reads have answered (a paid account with a plan change behind it). */
const LOADED = {
  product: ['generate-seo', 'saved-description'],
  blog: ['blog-posts'],
  design: ['generate-design'],
  settings: ['ledger-row', 'usage-chart-svg', 'notification-item'],
};

/** Follows the page's requests; the function returned waits until none is in flight. */
function inFlight(page: Page): () => Promise<void> {
  const open = new Set<unknown>();
  page.on('request', (r) => open.add(r));
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
  return () => expect.poll(() => open.size, { timeout: 10_000 }).toBe(0);
}

const PRODUCT_REQUEST = {
  feature: 'product_description',
  productId: 'prod_e2e',
  input: { name: 'E2E Test Mug', category: 'Kitchen', features: ['Stoneware'], keywords: ['mug'], tone: 'friendly' },
};

/** A small real PNG (the API decodes uploads before charging). */
async function samplePng(): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width: 96, height: 72, channels: 3, background: { r: 180, g: 120, b: 80 } } })
    .png()
    .toBuffer();
}

// ---- Accounts with history, for the polish tests below ------------------------------------------

const PHONE_390 = { width: 390, height: 844 };
const BLOG_REQUEST = { feature: 'blog_post', input: { topic: 'Caring for stoneware', length: 'short' } };

/** Buys a pack for the account through the local checkout, as its Pay button would. */
async function buyPack(account: string, packId: string): Promise<void> {
  const created = await api(account, 'POST', '/v1/credits/top-ups', { packId });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const paid = await fetch(`${created.body.checkoutUrl}/pay`, { method: 'POST', headers: { accept: 'application/json' } });
  expect(paid.status).toBe(200);
}

/** Makes `count` generations through the API, moving the clock an hour on before each tenth (the hourly limit). */
async function generateMany(account: string, request: unknown, count: number, offset: { seconds: number }): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % 10 === 0) {
      offset.seconds += 3700;
      await setClock(offset.seconds);
    }
    const r = await api(account, 'POST', '/v1/generations', request);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
}

/**
 * The merchant's next blog generation is refused as an empty paid balance would be (the real 402 path
 * has its own test): the Top Up dialog opens and the 50-credit pack is picked.
 */
async function refusedForCreditsThenPickPack(page: Page): Promise<void> {
  await page.route('**/v1/generations', (route) =>
    route.fulfill({
      status: 402,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'INSUFFICIENT_CREDITS', message: 'You need 3 credits; top up to continue.', action: 'top_up', required: 3, available: 0 } }),
    }),
  );
  await page.getByTestId('generate-blog').click();
  await page.getByTestId('topup-modal').waitFor();
  await page.unroute('**/v1/generations');
  await page.getByTestId('topup-pack-pack_50').click();
}

describeInBrowser('merchant page (browser, local stack)', { accountPrefix: 'acct_e2e' }, () => {
  // ---- Navigation bar ---------------------------------------------------------------------------

  it('given a free account, then the nav shows its 25 credits, the next refresh date on hover and click, and no Top Up button', async () => {
    const account = newAccount('nav');
    const { page, errors } = await open(account);
    await expectText(page.getByTestId('credits-count'), /^25$/);
    expect(await page.getByTestId('topup-button').count()).toBe(0);

    const { body: credits } = await api(account, 'GET', '/v1/credits');
    const expectedDate = await page.evaluate(
      (end) => new Date(end).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }),
      credits.period.end as string,
    );
    await page.getByTestId('credits-button').hover();
    await expectText(page.getByTestId('credits-refresh-date'), expectedDate);
    await expectText(page.getByTestId('credits-plan'), 'Free');
    await shot(page, '01-nav-free-popover', false);

    // Hover opens it and leaving closes it after a short delay; a click pins it open. The page's
    // timers run on Playwright's clock, moved on past that delay instead of waiting in real time.
    await page.clock.install();
    await page.mouse.move(5, 400);
    await page.clock.runFor(300);
    await page.getByTestId('credits-popover').waitFor({ state: 'detached' });
    await page.getByTestId('credits-button').click();
    await page.mouse.move(5, 400);
    await page.clock.runFor(300);
    expect(await page.getByTestId('credits-popover').isVisible()).toBe(true);
    expect(await page.getByTestId('credits-button').getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Escape');
    await page.getByTestId('credits-popover').waitFor({ state: 'detached' });
    await shot(page, '02-product-free');
    expect(errors).toEqual([]);
  });

  it('given the developer bar, when the plan is switched to Pro, then 200 credits and the Top Up button show without a reload', async () => {
    const account = newAccount('plan');
    const { page, errors } = await open(account);
    const stillSamePage = await markNoReload(page);
    await page.getByTestId('dev-plan-select').selectOption('pro');
    await page.getByTestId('dev-plan-apply').click();
    await expectText(page.getByTestId('credits-count'), /^200$/);
    await page.getByTestId('topup-button').waitFor();
    await stillSamePage();

    // And back to free: allowance reset to 25, Top Up gone.
    await page.getByTestId('dev-plan-select').selectOption('free');
    await page.getByTestId('dev-plan-apply').click();
    await expectText(page.getByTestId('credits-count'), /^25$/);
    await page.getByTestId('topup-button').waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('given the developer bar, when another account id is entered, then the page shows that account', async () => {
    const first = newAccount('switch_a');
    const second = newAccount('switch_b');
    await setPlan(second, 'plus');
    const { page } = await open(first);
    await expectText(page.getByTestId('credits-count'), /^25$/);
    await page.getByTestId('dev-account-input').fill(second);
    await page.getByTestId('dev-account-apply').click();
    await expectText(page.getByTestId('credits-count'), /^100$/);
    await page.getByTestId('topup-button').waitFor();
  });

  it('given aws mode (a deployment’s config.json), then the page takes the host platform’s token from the URL fragment, never sends it in a URL, and shows no developer bar', async () => {
    const account = newAccount('aws');
    await setPlan(account, 'premium');
    const token = await tokenFor(account);
    const context = await newContext();
    const page = await context.newPage();
    // What the CDK deployment writes: the API's URL, no mode.
    await page.route('**/config.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ apiUrl: baseUrl() }) }));
    await page.route('**/local/**', (route) => route.abort());
    // Every URL the browser requests (what CloudFront and the API would log): the token must be in none.
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${baseUrl()}/#token=${encodeURIComponent(token)}&route=/settings`);
    await expectText(page.getByTestId('credits-count'), /^400$/);
    // The route the host asked for, the token gone from the address bar at once.
    await page.getByTestId('settings-plan').waitFor();
    expect(page.url()).toBe(`${baseUrl()}/#/settings`);
    expect(await page.getByTestId('dev-bar').count()).toBe(0);
    // It stays for the session.
    await page.reload();
    await expectText(page.getByTestId('credits-count'), /^400$/);
    expect(requested.length).toBeGreaterThan(3);
    expect(requested.filter((u) => u.includes(token) || u.includes(encodeURIComponent(token)))).toEqual([]);
    await shot(page, '00-aws-mode-settings', false);

    // A token in the query string (logged by the CDN on the way in) is not taken, and leaves the address bar.
    const other = await (await newContext()).newPage();
    await other.route('**/config.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ apiUrl: baseUrl() }) }));
    await other.route('**/local/**', (route) => route.abort());
    const apiCalls: string[] = [];
    other.on('request', (r) => {
      if (r.url().includes('/v1/')) apiCalls.push(r.headers().authorization ?? 'none');
    });
    await other.goto(`${baseUrl()}/?token=${encodeURIComponent(token)}#/settings`);
    await other.getByTestId('toast-error').filter({ hasText: 'No session token' }).first().waitFor();
    expect(new URL(other.url()).searchParams.has('token')).toBe(false);
    expect(new URL(other.url()).hash).toBe('#/settings');
    expect(apiCalls.filter((a) => a.includes(token))).toEqual([]);
  });

  // ---- Top-ups ------------------------------------------------------------------------------------

  it('given a paid account, when it buys a pack in the checkout tab, then the balance rises by the pack once the payment lands, without a reload', async () => {
    const account = newAccount('topup');
    await setPlan(account, 'plus');
    const { page, context, errors } = await open(account);
    await expectText(page.getByTestId('credits-count'), /^100$/);
    const stillSamePage = await markNoReload(page);

    await page.getByTestId('topup-button').click();
    const modal = page.getByTestId('topup-modal');
    await modal.waitFor();
    expect(await modal.getAttribute('role')).toBe('dialog');
    await page.getByTestId('topup-pack-pack_50').waitFor();
    expect(await page.locator('[data-testid^="topup-pack-"]').count()).toBe(TOP_UP_PACKS.length);
    await page.getByTestId('topup-pack-pack_150').click();
    await page.getByTestId('topup-pack-pack_50').click();
    await shot(page, '03-topup-modal', false);

    const [checkout] = await Promise.all([context.waitForEvent('page'), page.getByTestId('topup-checkout').click()]);
    await checkout.waitForURL(/\/local\/checkout\//);
    await page.getByTestId('topup-pending').waitFor();
    await checkout.getByRole('button', { name: /^Pay/ }).waitFor();
    await shot(checkout, '04-checkout-page', false);
    // Paid, the checkout tab tells the app's tab and closes: no second copy of the app is left open.
    const closed = checkout.waitForEvent('close');
    await checkout.getByRole('button', { name: /^Pay/ }).click();
    await closed;
    expect(context.pages()).toEqual([page]);

    // The payment lands through the webhook, the bus and the page's 1.5 s poll: room for a loaded CI.
    // First the API (the payment landed), then the page (its poll saw it): a failure says which one lagged.
    await expect
      .poll(async () => (await api(account, 'GET', '/v1/credits')).body.credits?.purchased, { timeout: 45_000, interval: 500 })
      .toBe(50);
    await expectText(page.getByTestId('credits-count'), /^150$/, 20_000);
    await page.getByTestId('toast-success').filter({ hasText: 'Payment received' }).waitFor();
    await modal.waitFor({ state: 'detached' });
    await stillSamePage();
    await shot(page, '05-topup-landed', false);

    const { body: credits } = await api(account, 'GET', '/v1/credits');
    expect(credits.credits).toMatchObject({ available: 150, purchased: 50 });
    expect(errors).toEqual([]);
  });

  it('given the Top Up modal, then focus moves into it, Tab stays inside, Esc closes it and focus returns to the Top Up button', async () => {
    const account = newAccount('modal');
    await setPlan(account, 'pro');
    const { page } = await open(account);
    await page.getByTestId('topup-button').click();
    await page.getByTestId('topup-pack-pack_50').waitFor();
    const insideModal = () =>
      page.evaluate(() => !!document.activeElement && !!document.querySelector('[data-testid="topup-modal"]')?.contains(document.activeElement));
    expect(await insideModal()).toBe(true);
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(i % 4 === 3 ? 'Shift+Tab' : 'Tab');
      expect(await insideModal()).toBe(true);
    }
    // The page behind is inert while the dialog is open.
    expect(await page.evaluate(() => document.getElementById('app-shell')?.hasAttribute('inert'))).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('topup-modal').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('topup-button');
    expect(await page.evaluate(() => document.getElementById('app-shell')?.hasAttribute('inert'))).toBe(false);
  });

  // ---- Settings › AI Credits ----------------------------------------------------------------------

  it('given Settings › AI Credits, then plan, allowance, purchased, refresh date, the daily chart and the paginated history show', async () => {
    const account = newAccount('settings');
    await setPlan(account, 'pro');
    // Enough history for two pages (the page reads 20 at a time): admin grants to the purchased bucket.
    for (let i = 0; i < 21; i++) {
      const r = await api(account, 'POST', `/v1/admin/accounts/${account}/adjustments`, { amount: 1, reason: `e2e grant ${i + 1}` }, ['credits:admin']);
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    }
    const { page, errors } = await open(account, 'settings');
    await expectText(page.getByTestId('settings-plan-name'), 'Pro');
    await expectText(page.getByTestId('settings-available'), /^221$/);
    await expectText(page.getByTestId('settings-allowance-left'), /^200$/);
    await expectText(page.getByTestId('settings-allowance-used'), /^0/);
    await expectText(page.getByTestId('settings-purchased'), /^21$/);
    const { body: credits } = await api(account, 'GET', '/v1/credits');
    const expectedDate = await page.evaluate(
      (end) => new Date(end).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }),
      credits.period.end as string,
    );
    await expectText(page.getByTestId('settings-refresh-date'), expectedDate);

    // One bar per day of the period.
    await page.getByTestId('usage-chart-svg').waitFor();
    const days = Math.round((Date.parse(credits.period.end) - Date.parse(credits.period.start)) / 86_400_000);
    expect(await page.getByTestId('usage-bar').count()).toBeGreaterThanOrEqual(days);

    // History: 20 rows, then the rest behind "Load more" (nextCursor).
    await expect.poll(() => page.getByTestId('ledger-row').count()).toBe(20);
    await page.getByTestId('ledger-load-more').click();
    await expect.poll(() => page.getByTestId('ledger-row').count()).toBeGreaterThanOrEqual(23);
    expect(await page.locator('[data-testid="ledger-row"][data-type="adjust"]').count()).toBe(21);
    expect(await page.locator('[data-testid="ledger-row"][data-type="reset"]').count()).toBe(1);
    await page.getByTestId('ledger-load-more').waitFor({ state: 'detached' });
    await shot(page, '06-settings');
    expect(errors).toEqual([]);
  });

  it('given a plan change, then its notification is listed in Settings and can be marked read', async () => {
    const account = newAccount('notif');
    await setPlan(account, 'plus');
    const { page } = await open(account, 'settings');
    const item = page.locator('[data-testid="notification-item"][data-type="credits_reset"]').first();
    await item.waitFor();
    expect(await item.getAttribute('data-read')).toBe('false');
    await item.getByTestId('notification-mark-read').click();
    await expect.poll(() => item.getAttribute('data-read')).toBe('true');
    // Kept by the API, not only on screen.
    await page.reload();
    await page.locator('[data-testid="notification-item"][data-type="credits_reset"]').first().waitFor();
    expect(await page.locator('[data-testid="notification-item"][data-type="credits_reset"]').first().getAttribute('data-read')).toBe('true');
    const { body } = await api(account, 'GET', '/v1/notifications');
    expect(body.items.find((n: { type: string }) => n.type === 'credits_reset').readAt).not.toBeNull();
  });

  // ---- Clock ----------------------------------------------------------------------------------

  it('given the developer bar, when the clock moves 31 days on, then the monthly refresh moves the next refresh date a month on', async () => {
    const account = newAccount('clock');
    const { page } = await open(account);
    const before = (await api(account, 'GET', '/v1/credits')).body.period.end as string;
    try {
      await page.getByTestId('dev-clock-31d').click();
      await expectText(page.getByTestId('dev-clock-offset'), '+31d');
      const { body: credits } = await api(account, 'GET', '/v1/credits');
      expect(Date.parse(credits.period.end)).toBeGreaterThan(Date.parse(before));
      const after = await page.evaluate(
        (end) => new Date(end).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }),
        credits.period.end as string,
      );
      await page.getByTestId('credits-button').click();
      await expectText(page.getByTestId('credits-refresh-date'), after);
      await shot(page, '07-clock-31-days', false);
      await page.keyboard.press('Escape');
      await page.getByTestId('dev-clock-1h').click();
      await expectText(page.getByTestId('dev-clock-offset'), '+31d 1h');
      await page.getByTestId('dev-clock-reset').click();
      await expectText(page.getByTestId('dev-clock-offset'), 'real time');
    } finally {
      await setClock(0);
    }
  });

  // ---- Responsive -----------------------------------------------------------------------------

  it('given a 375 px wide screen, then every page fits the width and keeps the credits button', async () => {
    const account = newAccount('phone');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account, 'product', PHONE);
    const quiet = inFlight(page);
    for (const route of ['product', 'blog', 'design', 'settings'] as const) {
      await page.evaluate((r) => (location.hash = `#/${r}`), route);
      await page.getByTestId(`page-${route}`).waitFor();
      // Measured once what each page loads has arrived and no request is still out.
      for (const testId of LOADED[route]) await page.getByTestId(testId).first().waitFor();
      await quiet();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `#/${route} is ${width}px wide`).toBeLessThanOrEqual(PHONE.width);
      expect(await page.getByTestId('credits-button').isVisible()).toBe(true);
      await shot(page, `08-phone-${route}`);
    }
    expect(errors).toEqual([]);
  });

  // ---- Product descriptions and SEO ---------------------------------------------------------------

  it('given a free account, when it generates a description, then one option and a blurred locked block show, the count drops by 1, and Select saves it', async () => {
    const account = newAccount('free_desc');
    const { page, errors } = await open(account);
    const stillSamePage = await markNoReload(page);
    await expectText(page.getByTestId('generate-description'), /1 credit/);
    await page.getByTestId('generate-description').click();
    await page.getByTestId('variant-description-0').waitFor();
    await expectText(page.getByTestId('credits-count'), /^24$/);

    const locked = page.getByTestId('variant-locked');
    await locked.waitFor();
    expect(await locked.getByTestId('variant-text').count()).toBe(0);
    const filter = await locked.locator('.locked-shapes').evaluate((el) => getComputedStyle(el).filter);
    expect(filter).toContain('blur');
    expect(await page.getByTestId('variant-description-1').count()).toBe(0);
    await expectText(page.getByTestId('regenerate-description'), 'Regenerate · 1 credit');

    // The SEO section is a paid feature: the free merchant sees the upgrade prompt instead.
    await page.getByTestId('seo-upgrade').waitFor();
    expect(await page.getByTestId('generate-seo').count()).toBe(0);
    await shot(page, '09-free-description');

    // The locked block opens the Upgrade modal.
    await locked.getByTestId('locked-upgrade').click();
    await page.getByTestId('upgrade-modal').waitFor();
    await shot(page, '10-upgrade-modal', false);
    await page.keyboard.press('Escape');
    await page.getByTestId('upgrade-modal').waitFor({ state: 'detached' });

    const text = (await page.getByTestId('variant-description-0').getByTestId('variant-text').textContent())!.trim();
    expect(text.length).toBeGreaterThan(20);
    await page.getByTestId('variant-description-0-select').click();
    await expectText(page.getByTestId('variant-description-0-select'), 'Selected');
    await expectText(page.getByTestId('saved-description-text'), text.slice(0, 40));
    // Selecting is free.
    await expectText(page.getByTestId('credits-count'), /^24$/);
    await stillSamePage();
    expect(errors).toEqual([]);
  });

  it('given a paid account, then two selectable descriptions show, Regenerate charges again, and SEO shows two blocks with 60/160 counters and a search preview', async () => {
    const account = newAccount('paid_desc');
    await setPlan(account, 'pro');
    const { page, errors } = await open(account);
    await page.getByTestId('generate-description').click();
    await page.getByTestId('variant-description-1').waitFor();
    await expectText(page.getByTestId('credits-count'), /^199$/);
    expect(await page.getByTestId('variant-locked').count()).toBe(0);
    const first = await page.getByTestId('variant-description-0').getByTestId('variant-text').textContent();
    const second = await page.getByTestId('variant-description-1').getByTestId('variant-text').textContent();
    expect(first).not.toBe(second);

    await page.getByTestId('regenerate-description').click();
    await expectText(page.getByTestId('credits-count'), /^198$/);
    await page.getByTestId('variant-description-1-select').click();
    await expectText(page.getByTestId('variant-description-1-select'), 'Selected');

    await page.getByTestId('generate-seo').click();
    await page.getByTestId('variant-seo-1').waitFor();
    await expectText(page.getByTestId('credits-count'), /^197$/);
    for (const i of [0, 1]) {
      const block = page.getByTestId(`variant-seo-${i}`);
      const title = (await block.getByTestId('seo-title').textContent())!.trim();
      const description = (await block.getByTestId('seo-description').textContent())!.trim();
      expect(title.length).toBeLessThanOrEqual(60);
      expect(description.length).toBeLessThanOrEqual(160);
      await expectText(block.getByTestId('seo-title-counter'), `${[...title].length}/60`);
      await expectText(block.getByTestId('seo-description-counter'), `${[...description].length}/160`);
      await expectText(block.getByTestId('seo-preview').locator('.serp-title'), title.slice(0, 30));
    }
    await page.getByTestId('variant-seo-0-select').click();
    await expectText(page.getByTestId('variant-seo-0-select'), 'Selected');
    await page.getByTestId('saved-seo').waitFor();
    await shot(page, '11-paid-description-seo');
    expect(errors).toEqual([]);
  });

  // ---- Refusals: 403, 402, 429, 502 ------------------------------------------------------------------

  it('given a free account, when it asks for a paid feature, then the API answers 403 and the Upgrade modal opens', async () => {
    const account = newAccount('free_paid_feature');
    const { page } = await open(account, 'design');
    await page.getByTestId('generate-design').click();
    await page.getByTestId('upgrade-modal').waitFor();
    await expectText(page.getByTestId('credits-count'), /^25$/);
  });

  it('given a free account with no credits left, when it generates, then the Upgrade modal explains why', async () => {
    const account = newAccount('free_empty');
    let offset = 0;
    try {
      // 25 credits, at most 10 attempts an hour: move the clock an hour on between batches.
      for (let batch = 0; batch < 3; batch++) {
        for (let i = 0; i < 10; i++) {
          const r = await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST);
          if (r.status === 402) break;
          expect(r.status, JSON.stringify(r.body)).toBe(201);
        }
        offset += 3700;
        await setClock(offset);
      }
      const { body } = await api(account, 'GET', '/v1/credits');
      expect(body.credits.available).toBe(0);
      const { page } = await open(account);
      await expectText(page.getByTestId('credits-count'), /^0$/);
      await page.getByTestId('generate-description').click();
      await page.getByTestId('upgrade-modal').waitFor();
      await expectText(page.locator('#upgrade-modal-desc'), /credit/);
      await shot(page, '12-free-out-of-credits', false);
      // In local mode the modal can switch the plan: the balance follows.
      await page.getByTestId('upgrade-choose-plus').click();
      await page.getByTestId('upgrade-modal').waitFor({ state: 'detached' });
      await expectText(page.getByTestId('credits-count'), /^100$/);
    } finally {
      await setClock(0);
    }
  });

  it('given a paid account with no credits left, when it generates, then the Top Up modal opens', async () => {
    const account = newAccount('paid_empty');
    await setPlan(account, 'plus');
    let offset = 0;
    try {
      let available = 100;
      while (available > 0) {
        for (let i = 0; i < 10 && available > 0; i++) {
          const r = await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST);
          expect(r.status, JSON.stringify(r.body)).toBe(201);
          available = r.body.credits.available;
        }
        offset += 3700;
        await setClock(offset);
      }
      const { page } = await open(account);
      await expectText(page.getByTestId('credits-count'), /^0$/);
      await page.getByTestId('generate-description').click();
      await page.getByTestId('topup-modal').waitFor();
      await expectText(page.locator('#topup-modal-desc'), /[Tt]op up/);
      await shot(page, '13-paid-out-of-credits', false);
    } finally {
      await setClock(0);
    }
  });

  it('given ten attempts this hour, when the merchant generates again, then a cooldown toast shows the API message and a live countdown, and generate buttons wait for it', async () => {
    const account = newAccount('cooldown');
    await setPlan(account, 'pro');
    try {
      for (let i = 0; i < 10; i++) expect((await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST)).status).toBe(201);
      const { page, errors } = await open(account);
      await page.getByTestId('generate-description').click();
      const toast = page.getByTestId('toast-cooldown');
      await toast.waitFor();
      // The same cooldown the API reports to any attempt during it.
      const refused = await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST);
      expect(refused.status).toBe(429);
      await expectText(page.getByTestId('cooldown-message'), refused.body.error.message);
      const seconds = async () => {
        const [m, s] = (await page.getByTestId('cooldown-countdown').textContent())!.trim().split(':').map(Number);
        return m * 60 + s;
      };
      const t0 = await seconds();
      // COOLDOWN_SECONDS is 900; the API rounds its seconds up.
      expect(t0).toBeGreaterThan(800);
      expect(t0).toBeLessThanOrEqual(901);
      await expect.poll(seconds, { timeout: 5000 }).toBeLessThan(t0);
      expect(await page.getByTestId('generate-description').isDisabled()).toBe(true);
      expect(await page.getByTestId('generate-seo').isDisabled()).toBe(true);
      await shot(page, '14-cooldown', false);

      // After it (the clock moves on), the buttons come back.
      await page.getByTestId('dev-clock-1h').click();
      await toast.waitFor({ state: 'detached' });
      expect(await page.getByTestId('generate-description').isEnabled()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await setClock(0);
    }
  });

  it('given a generation whose model call fails (502), then an error toast says the credits were refunded', async () => {
    const account = newAccount('failed');
    const { page } = await open(account);
    // The offline model never fails, so the 502 of the contract is played at the network edge.
    await page.route('**/v1/generations', (route) =>
      route.fulfill({
        status: 502,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'GENERATION_FAILED', message: 'The AI model did not produce a usable result. Your credits were refunded.', creditsRefunded: 1 },
        }),
      }),
    );
    await page.getByTestId('generate-description').click();
    const toast = page.getByTestId('toast-error');
    await toast.waitFor();
    await expectText(toast, /refunded/);
    await expectText(toast, /1 credit refunded/);
    await expectText(page.getByTestId('credits-count'), /^25$/);
    await shot(page, '15-generation-failed', false);
    await toast.getByTestId('toast-dismiss').click();
    await toast.waitFor({ state: 'detached' });
  });

  // ---- Photo, blog, website design ------------------------------------------------------------------

  it('given a paid account, when it uploads a photo and enhances it, then the original and both results show side by side and one can be picked', async () => {
    const account = newAccount('image');
    await setPlan(account, 'pro');
    const { page, errors } = await open(account);
    await page.getByTestId('image-file').setInputFiles({ name: 'mug.png', mimeType: 'image/png', buffer: await samplePng() });
    await page.getByTestId('image-original').waitFor();
    await expectText(page.getByTestId('generate-image'), /2 credits/);
    await page.getByTestId('generate-image').click();
    await page.getByTestId('variant-image-1').waitFor({ timeout: 30_000 });
    await expectText(page.getByTestId('credits-count'), /^198$/);
    for (const i of [0, 1]) await imageLoaded(page.getByTestId(`variant-image-${i}`).locator('img'));
    await page.getByTestId('variant-image-1-select').click();
    await expectText(page.getByTestId('variant-image-1-select'), 'Selected');
    await page.getByTestId('image-section').scrollIntoViewIfNeeded();
    await shotHere(page, '16-image-enhancement');
    expect(errors).toEqual([]);
  });

  it('given a paid account, when it writes a blog post, then two rendered drafts compare, one is picked and scheduled, listed, cancelled, and a scheduled one publishes on time', async () => {
    const account = newAccount('blog');
    await setPlan(account, 'pro');
    const { page, errors } = await open(account, 'blog');
    try {
      await page.getByTestId('blog-topic').fill('Caring for stoneware mugs');
      await page.getByTestId('blog-length').selectOption('short');
      await expectText(page.getByTestId('generate-blog'), /3 credits/);
      await page.getByTestId('generate-blog').click();
      await page.getByTestId('variant-blog-1').waitFor({ timeout: 30_000 });
      await expectText(page.getByTestId('credits-count'), /^197$/);
      for (const i of [0, 1]) {
        const body = page.getByTestId(`variant-blog-${i}`).getByTestId('blog-draft-body');
        await body.waitFor();
        expect(await body.locator('p').count()).toBeGreaterThan(0);
        // html: false, so nothing the model writes becomes markup that runs.
        expect(await body.locator('script, iframe, img[onerror]').count()).toBe(0);
      }
      await shot(page, '17-blog-drafts');

      await page.getByTestId('variant-blog-0-select').click();
      await page.getByTestId('blog-schedule-form').waitFor();
      expect(await page.getByTestId('blog-publish-at').getAttribute('type')).toBe('datetime-local');
      await page.getByTestId('blog-schedule').click();
      const item = page.getByTestId('blog-post-item').first();
      await item.waitFor();
      expect(await item.getAttribute('data-status')).toBe('scheduled');

      // Cancel it, then schedule it again and let the clock pass its time.
      await item.getByTestId('blog-post-cancel').click();
      await expect.poll(() => page.locator('[data-testid="blog-post-item"][data-status="scheduled"]').count()).toBe(0);
      await page.getByTestId('blog-schedule').click();
      await page.locator('[data-testid="blog-post-item"][data-status="scheduled"]').first().waitFor();
      await shot(page, '18-blog-scheduled');

      await page.getByTestId('dev-clock-1d').click();
      await expect
        .poll(
          async () => {
            const { body } = await api(account, 'GET', '/v1/blog-posts');
            return (body.items ?? body).some((p: { status: string }) => p.status === 'published');
          },
          { timeout: 15_000 },
        )
        .toBe(true);
      await page.reload();
      await page.locator('[data-testid="blog-post-item"][data-status="published"]').first().waitFor();
      expect(errors).toEqual([]);
    } finally {
      await setClock(0);
    }
  });

  it('given a paid account, when it generates a website design, then each proposal previews live in its own palette and fonts, with its sections in order', async () => {
    const account = newAccount('design');
    await setPlan(account, 'pro');
    const { page, errors } = await open(account, 'design');
    const response = await clickToGenerate(page, 'generate-design');
    const generation = await response.json();
    await page.getByTestId('variant-design-1').waitFor();
    await expectText(page.getByTestId('credits-count'), /^198$/);
    for (const v of generation.variants as Array<{ index: number; palette: Record<string, string>; sections: unknown[] }>) {
      const preview = page.getByTestId(`variant-design-${v.index}`).getByTestId('design-preview');
      const bg = await preview.locator('.mp-page').evaluate((el) => getComputedStyle(el).backgroundColor);
      const hex = v.palette.background.toLowerCase();
      const rgb = `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
      expect(bg).toBe(rgb);
      expect(await preview.locator('.mp-page > section').count()).toBe(v.sections.length);
    }
    await page.getByTestId('variant-design-1-select').click();
    await expectText(page.getByTestId('variant-design-1-select'), 'Selected');
    await shot(page, '19-website-design');
    expect(errors).toEqual([]);
  });

  // ---- Polish: every number current, every error plain, usable on a phone and by keyboard ------

  it('given a paid merchant on a phone, when a generation is charged, then the popover’s allowance, purchased and available agree with the API at once', async () => {
    const account = newAccount('breakdown');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account, 'product', PHONE_390);
    await page.getByTestId('generate-description').click();
    await expectText(page.getByTestId('credits-count'), /^99$/);
    await page.getByTestId('credits-button').click();
    await page.getByTestId('credits-popover').waitFor();
    const { body } = await api(account, 'GET', '/v1/credits');
    expect(body.credits).toMatchObject({ available: 99, allowanceRemaining: 99, purchased: 0 });
    await expectText(page.getByTestId('credits-available'), /^99$/);
    await expectText(page.getByTestId('credits-allowance-left'), /^99 of 100/);
    await expectText(page.getByTestId('credits-purchased'), /^0$/);
    expect(errors).toEqual([]);
  });

  it('given a Generate button used from the keyboard, when the API refuses it (402) and the Upgrade dialog is closed with Esc, then focus is back on that button', async () => {
    const account = newAccount('focus');
    const { page } = await open(account);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/v1/generations', async (route) => {
      // Held until the page shows the request running, as a slow network would.
      await held;
      await route.fulfill({
        status: 402,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'INSUFFICIENT_CREDITS', message: 'You have no AI credits left this month.', action: 'upgrade', required: 1, available: 0 } }),
      });
    });
    await page.getByTestId('generate-description').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('generate-description').getAttribute('aria-busy')).toBe('true');
    release();
    await page.getByTestId('upgrade-modal').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('upgrade-modal').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('generate-description');
  });

  it('given the features field, then each line is one feature (commas kept) and more than 20 lines are refused with a reason before anything is sent', async () => {
    const account = newAccount('features');
    const { page } = await open(account);
    const sent: unknown[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/v1/generations') && r.method() === 'POST') sent.push(r.postDataJSON());
    });
    await page.getByTestId('product-features').fill('Double-walled glass carafe, 600 ml\nDishwasher safe');
    await page.getByTestId('generate-description').click();
    await page.getByTestId('variant-description-0').waitFor();
    expect((sent[0] as { input: { features: string[] } }).input.features).toEqual(['Double-walled glass carafe, 600 ml', 'Dishwasher safe']);

    await page.getByTestId('product-features').fill(Array.from({ length: 25 }, (_, i) => `Feature ${i + 1}`).join('\n'));
    await expectText(page.getByTestId('product-features-error'), /25 features: use at most 20 lines/);
    expect(await page.getByTestId('product-features').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('generate-description').getAttribute('aria-disabled')).toBe('true');
    await expectText(page.getByTestId('generate-description-reason'), /Fix the product details/);
    // Playwright waits for an aria-disabled button to become enabled; forced, the click reaches the page,
    // which must send nothing.
    await page.getByTestId('generate-description').click({ force: true });
    // Back to 20 lines, the next click is sent: had the refused one been sent too, it would be before it.
    await page.getByTestId('product-features').fill(Array.from({ length: 20 }, (_, i) => `Feature ${i + 1}`).join('\n'));
    await page.getByTestId('generate-description').click();
    await expectText(page.getByTestId('credits-count'), /^23$/);
    expect(sent).toHaveLength(2);
    expect((sent[1] as { input: { features: string[] } }).input.features).toHaveLength(20);
  });

  it('given a charge that spans the allowance and purchased credits, then the history shows one row for it with both sources, also when an older ledger holds one entry per bucket', async () => {
    const account = newAccount('ledger');
    await setPlan(account, 'plus');
    const offset = { seconds: 0 };
    try {
      await buyPack(account, 'pack_50');
      // 33 posts of 3 credits leave 1 of the 100 allowance: the 34th takes 1 from it and 2 purchased.
      await generateMany(account, BLOG_REQUEST, 34, offset);
      const { body: credits } = await api(account, 'GET', '/v1/credits');
      expect(credits.credits).toMatchObject({ allowanceRemaining: 0, purchased: 48, available: 48 });

      const { page, errors } = await open(account, 'settings', PHONE_390);
      const newest = page.getByTestId('ledger-row').first();
      await newest.waitFor();
      expect(await newest.getAttribute('data-type')).toBe('charge');
      expect(await newest.getAttribute('data-amount')).toBe('-3');
      await expectText(newest.getByTestId('ledger-balance'), /48$/);
      const sources = newest.getByTestId('ledger-source');
      expect(await sources.count()).toBe(2);
      const buckets = Object.fromEntries(
        await sources.evaluateAll((els) => els.map((e) => [e.getAttribute('data-bucket'), Number(e.getAttribute('data-amount'))] as const)),
      );
      expect(buckets).toEqual({ allowance: -1, purchased: -2 });
      // The API lists the charge as one entry with its `sources`; ledgers written before that hold one entry
      // per bucket for the same generation. Served in that older form, the page shows the same one row.
      await page.route('**/v1/credits/ledger?*', async (route) => {
        const res = await route.fetch();
        const json = await res.json();
        const [spanning, ...rest] = json.items;
        expect(spanning.sources).toEqual([{ bucket: 'allowance', amount: -1 }, { bucket: 'purchased', amount: -2 }]);
        const { sources: _parts, ...base } = spanning;
        const split = [
          { ...base, id: `${base.id}-p`, amount: -2, bucket: 'purchased', balanceAfter: spanning.balanceAfter },
          { ...base, amount: -1, bucket: 'allowance', balanceAfter: spanning.balanceAfter + 2 },
        ];
        await route.fulfill({ response: res, json: { ...json, items: [...split, ...rest] } });
      });
      await page.reload();
      await page.getByTestId('ledger-row').first().waitFor();
      const again = page.getByTestId('ledger-row').first();
      expect(await again.getAttribute('data-amount')).toBe('-3');
      expect(
        Object.fromEntries(await again.getByTestId('ledger-source').evaluateAll((els) => els.map((e) => [e.getAttribute('data-bucket'), Number(e.getAttribute('data-amount'))] as const))),
      ).toEqual({ allowance: -1, purchased: -2 });
      await shot(page, 'polish-ledger-phone');
      expect(errors).toEqual([]);
    } finally {
      await setClock(0);
    }
  });

  it('given a blog post refused for want of credits, when the merchant tops up in the checkout tab, then that tab closes and the blog page, not another copy of the app, is where they resume, focus on the button that needed credits', async () => {
    const account = newAccount('resume');
    await setPlan(account, 'plus');
    const { page, context, errors } = await open(account, 'blog');
    const stillSamePage = await markNoReload(page);
    await refusedForCreditsThenPickPack(page);
    const [checkout] = await Promise.all([context.waitForEvent('page'), page.getByTestId('topup-checkout').click()]);
    await checkout.getByRole('button', { name: /^Pay/ }).waitFor();
    const closed = checkout.waitForEvent('close');
    await checkout.getByRole('button', { name: /^Pay/ }).click();
    await closed;
    await expectText(page.getByTestId('credits-count'), /^150$/, 45_000);
    await page.getByTestId('topup-modal').waitFor({ state: 'detached' });
    expect(new URL(page.url()).hash).toBe('#/blog');
    expect(context.pages()).toEqual([page]);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('generate-blog');
    await stillSamePage();
    expect(errors).toEqual([]);
  });

  it('given a browser that blocks the checkout tab, when the merchant pays in the same tab, then they are back on the blog page with focus on the button that needed credits', async () => {
    const account = newAccount('resume_same_tab');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account, 'blog');
    // As a popup blocker would: no new tab, so the checkout takes this one.
    await page.addInitScript(() => {
      window.open = () => null;
    });
    await page.reload();
    await expectText(page.getByTestId('credits-count'), /^100$/);
    await refusedForCreditsThenPickPack(page);
    await page.getByTestId('topup-checkout').click();
    await page.waitForURL(/\/local\/checkout\//);
    await page.getByRole('button', { name: /^Pay/ }).click();
    await page.waitForURL((u) => u.searchParams.get('topup') === 'done');
    expect(new URL(page.url()).hash).toBe('#/blog');
    await expectText(page.getByTestId('credits-count'), /^150$/, 45_000);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('generate-blog');
    expect(errors).toEqual([]);
  });

  it('given a checkout left open in its tab, when the Top Up dialog is closed, then an inline banner says the payment is awaited until it lands', async () => {
    const account = newAccount('pending_banner');
    await setPlan(account, 'plus');
    const { page, context, errors } = await open(account, 'settings');
    await page.getByTestId('topup-button').click();
    await page.getByTestId('topup-pack-pack_50').click();
    const [checkout] = await Promise.all([context.waitForEvent('page'), page.getByTestId('topup-checkout').click()]);
    await page.getByTestId('topup-pending').waitFor();
    // While the dialog says it, the page does not say it twice.
    expect(await page.getByTestId('topup-pending-banner').count()).toBe(0);
    await page.bringToFront();
    await page.keyboard.press('Escape');
    await page.getByTestId('topup-modal').waitFor({ state: 'detached' });
    const banner = page.getByTestId('topup-pending-banner');
    await expectText(banner, /Waiting for your payment.*50 credits/);
    expect(await banner.evaluate((el) => getComputedStyle(el).position)).toBe('static');
    const closed = checkout.waitForEvent('close');
    await checkout.getByRole('button', { name: /^Pay/ }).click();
    await closed;
    await expectText(page.getByTestId('credits-count'), /^150$/, 45_000);
    await banner.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('given a checkout that ends in its own tab, then it returns to the page given in returnTo, and never to another site', async () => {
    const account = newAccount('return');
    await setPlan(account, 'plus');
    const payAndLand = async (returnTo: string) => {
      const created = await api(account, 'POST', '/v1/credits/top-ups', { packId: 'pack_50' });
      const context = await newContext();
      const tab = await context.newPage();
      await tab.goto(`${created.body.checkoutUrl}?returnTo=${encodeURIComponent(returnTo)}`);
      await tab.getByRole('button', { name: /^Pay/ }).click();
      await tab.waitForURL((u) => u.searchParams.get('topup') === 'done');
      return new URL(tab.url());
    };
    const back = await payAndLand(`/?account=${account}#/blog`);
    expect(back.origin).toBe(baseUrl());
    expect(back.searchParams.get('account')).toBe(account);
    expect(back.hash).toBe('#/blog');
    for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const landed = await payAndLand(evil);
      expect(landed.origin, evil).toBe(baseUrl());
      expect(landed.pathname, evil).toBe('/');
    }
  });

  it('given a cooldown, then it is an inline banner that covers nothing and can be closed, while the buttons still say why they wait', async () => {
    const account = newAccount('cool_banner');
    await setPlan(account, 'pro');
    try {
      for (let i = 0; i < 10; i++) expect((await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST)).status).toBe(201);
      expect((await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST)).status).toBe(429);
      // A fresh load knows it from GET /v1/credits, before any generation of its own.
      const { page, errors } = await open(account, 'product', PHONE_390);
      const banner = page.getByTestId('toast-cooldown');
      await banner.waitFor();
      // In the page's flow, above the content: nothing is drawn over the SEO buttons.
      expect(await banner.evaluate((el) => getComputedStyle(el).position)).toBe('static');
      expect(await page.getByTestId('page-product').locator('[data-testid="toast-cooldown"]').count()).toBe(1);
      await expectText(page.getByTestId('cooldown-message'), /limit/);
      await shot(page, 'polish-cooldown-phone', false);
      await page.getByTestId('cooldown-dismiss').click();
      await banner.waitFor({ state: 'detached' });
      expect(await page.getByTestId('generate-seo').getAttribute('aria-disabled')).toBe('true');
      await expectText(page.getByTestId('generate-seo-reason'), /paused/);
      // The cooldown_started notification speaks local time, like the rest of the page.
      await page.evaluate(() => (location.hash = '#/settings'));
      const note = page.locator('[data-testid="notification-item"][data-type="cooldown_started"]').first();
      await note.waitFor();
      expect(await note.textContent()).not.toMatch(/UTC/);
      expect(errors).toEqual([]);
    } finally {
      await setClock(0);
    }
  });

  it('given 8 generations this hour, when the page loads, then the attempts left show before any generation, with a warning at 2 left', async () => {
    const account = newAccount('attempts');
    await setPlan(account, 'pro');
    for (let i = 0; i < 8; i++) expect((await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST)).status).toBe(201);
    const { page } = await open(account);
    await page.getByTestId('attempts-warning').waitFor();
    await expectText(page.getByTestId('attempts-warning'), /2 generations left this hour/);
    await page.getByTestId('credits-button').click();
    await expectText(page.getByTestId('credits-attempts'), /^2 of 10$/);
    await page.keyboard.press('Escape');
    await page.getByTestId('attempts-warning-dismiss').click();
    await page.getByTestId('attempts-warning').waitFor({ state: 'detached' });
  });

  it('given a fresh paid account, then the generations left this hour are in view at 1440 and 390 wide before any generation, fall with each one, and turn to a warning at 2 left', async () => {
    const account = newAccount('attempts_chip');
    await setPlan(account, 'pro');
    const { page, errors } = await open(account, 'product');
    const chip = page.getByTestId('attempts-left');
    await expect.poll(() => chip.getAttribute('data-remaining')).toBe('10');
    await expectText(chip.getByTestId('attempts-left-words'), /^10 of 10 generations left this hour$/);
    expect(await chip.isVisible()).toBe(true);
    await page.getByTestId('generate-description').click();
    await expect.poll(() => chip.getAttribute('data-remaining')).toBe('9');
    expect(await chip.getAttribute('class')).not.toMatch(/is-low/);

    for (let i = 0; i < 7; i++) expect((await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST)).status).toBe(201);
    const phone = await open(account, 'blog', PHONE_390);
    const small = phone.page.getByTestId('attempts-left');
    await expect.poll(() => small.getAttribute('data-remaining')).toBe('2');
    expect(await small.getAttribute('class')).toMatch(/is-low/);
    // In view on a phone, beside the credits button, and read in full words.
    const box = (await small.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE_390.width);
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_390.width);
    await expectText(small.getByTestId('attempts-left-words'), /^2 of 10 generations left this hour$/);
    // The nav stays one line: the credits button beside it does not wrap.
    expect((await phone.page.getByTestId('credits-button').boundingBox())!.height).toBeLessThanOrEqual(40);
    expect((await phone.page.getByTestId('credits-button').boundingBox())!.x + (await phone.page.getByTestId('credits-button').boundingBox())!.width).toBeLessThanOrEqual(PHONE_390.width);
    await phone.page.getByTestId('attempts-warning').waitFor();
    await shotHere(phone.page, 'polish-attempts-phone');
    expect(errors).toEqual([]);
    expect(phone.errors).toEqual([]);
  });

  it('given a phone, then the history fits the screen with credits and balance in view, the current section tab is fully shown, and chart labels are readable', async () => {
    const account = newAccount('phone_settings');
    await setPlan(account, 'plus');
    for (let i = 0; i < 3; i++) expect((await api(account, 'POST', '/v1/generations', PRODUCT_REQUEST)).status).toBe(201);
    const { page, errors } = await open(account, 'settings', PHONE_390);
    await expect.poll(() => page.getByTestId('ledger-row').count()).toBeGreaterThanOrEqual(4);
    const wrap = page.getByTestId('ledger').locator('.table-wrap');
    expect(await wrap.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    for (const id of ['ledger-amount', 'ledger-balance']) {
      for (const box of await page.getByTestId(id).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right))) {
        expect(box, id).toBeLessThanOrEqual(PHONE_390.width);
      }
    }
    const tab = (await page.getByTestId('nav-settings').boundingBox())!;
    expect(tab.x).toBeGreaterThanOrEqual(0);
    expect(tab.x + tab.width).toBeLessThanOrEqual(PHONE_390.width);
    await page.getByTestId('usage-chart-svg').waitFor();
    const heights = await page.locator('.chart-axis').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(heights.length).toBeGreaterThan(0);
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(10);
    // Every label inside the chart, none cut by its edge.
    const svg = (await page.getByTestId('usage-chart-svg').boundingBox())!;
    for (const b of await page.locator('.chart-axis').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) {
      expect(b.left).toBeGreaterThanOrEqual(svg.x - 0.5);
      expect(b.right).toBeLessThanOrEqual(svg.x + svg.width + 0.5);
    }
    await shot(page, 'polish-settings-phone');
    expect(errors).toEqual([]);
  });

  it('given the Top Up modal, then each pack shows its price and price per credit from the API, and the lowest price per credit is marked best value', async () => {
    const account = newAccount('packs');
    await setPlan(account, 'plus');
    const { body } = await api(account, 'GET', '/v1/credits/top-up-packs');
    const packs = body.items as Array<{ id: string; credits: number; price: { amount: string; currency: string } }>;
    const best = [...packs].sort((a, b) => Number(a.price.amount) / a.credits - Number(b.price.amount) / b.credits)[0];
    const { page } = await open(account);
    await page.getByTestId('topup-button').click();
    for (const p of packs) {
      const card = page.getByTestId(`topup-pack-${p.id}`);
      await expectText(card.getByTestId('topup-price'), new RegExp(p.price.amount.replace('.', '\\.')));
      const unit = (Number(p.price.amount) / p.credits).toFixed(3);
      await expectText(card.getByTestId('topup-unit'), new RegExp(`${unit.replace('.', '\\.')} per credit`));
    }
    expect(await page.getByTestId('topup-best-value').count()).toBe(1);
    await page.getByTestId(`topup-pack-${best.id}`).getByTestId('topup-best-value').waitFor();
  });

  it('given the copy, then plans, features, packs and failures read in plain words', async () => {
    const account = newAccount('copy');
    await setPlan(account, 'plus');
    await buyPack(account, 'pack_150');
    const { page } = await open(account, 'settings');
    // The developer bar shows the plan the account is on.
    expect(await page.getByTestId('dev-plan-select').inputValue()).toBe('plus');
    const reset = page.locator('[data-testid="notification-item"][data-type="credits_reset"]').first();
    await expectText(reset, /plan is now Plus/);
    const topUp = page.locator('[data-testid="ledger-row"][data-type="top_up"]').first();
    await topUp.waitFor();
    expect(await topUp.textContent()).not.toContain('pack_');
    await page.getByTestId('settings-topup').waitFor();

    await page.evaluate(() => (location.hash = '#/product'));
    // Product details say what they are: the AI's input, not a form that saves the product.
    await expectText(page.getByTestId('page-product').locator('#product-fields-title + p, .card-head .muted').first(), /not|used for the next generation/);
    await page.route('**/v1/generations', (route) => route.abort('internetdisconnected'));
    await page.getByTestId('generate-seo').click();
    const toast = page.getByTestId('toast-error');
    await toast.waitFor();
    expect(await toast.textContent()).not.toMatch(/Failed to fetch/);
    await expectText(toast, /could not be reached/);
  });

  it('given a free merchant, then the Upgrade dialog names the paid features as they are written', async () => {
    const account = newAccount('upgrade_copy');
    const { page } = await open(account);
    await page.getByTestId('seo-upgrade-button').click();
    const modal = page.getByTestId('upgrade-modal');
    await modal.waitFor();
    await expectText(modal, /SEO meta tags/);
    expect(await modal.textContent()).not.toMatch(/seo meta tags/);
  });
  // ---- The catalog ------------------------------------------------------------------------------

  it('given a catalog with other labels, costs, limits and packs, then the page shows those, read once, and no copy of its own', async () => {
    const account = newAccount('catalog');
    await setPlan(account, 'plus');
    const context = await newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    let reads = 0;
    // The service's own catalog, with every value the page shows changed: a copy in the page would show the old one.
    await page.route('**/v1/catalog', async (route) => {
      reads++;
      const response = await route.fetch();
      const catalog = await response.json();
      catalog.plans.find((p: { id: string }) => p.id === 'plus').label = 'Plus Gold';
      const description = catalog.features.find((f: { id: string }) => f.id === 'product_description');
      description.cost = 7;
      catalog.features.find((f: { id: string }) => f.id === 'blog_post').variants = 3;
      catalog.limits.seo = { titleMaxChars: 50, descriptionMaxChars: 150 };
      catalog.limits.upload = { contentTypes: ['image/png'], maxBytes: 5 * 1024 * 1024 };
      catalog.limits.ledgerPage = { default: 20, max: 5 };
      catalog.packs = [{ id: 'pack_50', credits: 50, price: { amount: '9.00', currency: 'USD' } }];
      await route.fulfill({ response, json: catalog });
    });
    await page.goto(appUrl(account, 'product'));
    await expectText(page.getByTestId('credits-count'), /^100$/);

    await expectText(page.getByTestId('generate-description'), /7 credits/);
    await expectText(page.getByTestId('image-section').getByText(/up to/), 'PNG, up to 5 MB.');
    await page.getByTestId('credits-button').click();
    await expectText(page.getByTestId('credits-plan'), 'Plus Gold');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('dev-plan-select').locator('option:checked').textContent()).toBe('Plus Gold');

    // Counters and the search preview hold to the catalog's SEO limits.
    await clickToGenerate(page, 'generate-seo');
    const block = page.getByTestId('variant-seo-0');
    await block.waitFor();
    await expectText(block.getByTestId('seo-title-counter'), /^\d+\/50$/);
    await expectText(block.getByTestId('seo-description-counter'), /^\d+\/150$/);

    await page.getByTestId('topup-button').click();
    await page.getByTestId('topup-pack-pack_50').waitFor();
    expect(await page.locator('[data-testid^="topup-pack-"]').count()).toBe(1);
    await expectText(page.getByTestId('topup-pack-pack_50'), /\$9\.00/);
    await page.keyboard.press('Escape');
    await page.getByTestId('topup-modal').waitFor({ state: 'detached' });

    await page.evaluate(() => (location.hash = '#/blog'));
    await expectText(page.locator('#blog-gen-title + p'), /^Three drafts to compare/);

    // The history reads pages of the catalog's largest size.
    const ledgerRead = page.waitForRequest((r) => r.url().includes('/v1/credits/ledger?'));
    await page.evaluate(() => (location.hash = '#/settings'));
    expect(new URL((await ledgerRead).url()).searchParams.get('limit')).toBe('5');
    await expectText(page.getByTestId('settings-plan-name'), 'Plus Gold');

    // One read for the whole visit, whatever the routes shown.
    expect(reads).toBe(1);
    expect(errors).toEqual([]);
  });

  it('given the catalog cannot be read, then the page says so instead of guessing, and Try again loads it', async () => {
    const account = newAccount('catalog_down');
    const context = await newContext();
    const page = await context.newPage();
    let fail = true;
    await page.route('**/v1/catalog', (route) =>
      fail
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'Try again shortly.' } }) })
        : route.continue(),
    );
    await page.goto(appUrl(account, 'product'));
    await page.getByTestId('catalog-error').waitFor();
    // No cost, limit or plan rule is shown without the catalog.
    expect(await page.getByTestId('generate-description').count()).toBe(0);
    await expectText(page.getByTestId('credits-count'), /^25$/);

    fail = false;
    await page.getByTestId('catalog-retry').click();
    await expectText(page.getByTestId('generate-description'), /1 credit/);
    expect(await page.getByTestId('catalog-error').count()).toBe(0);
  });
});
