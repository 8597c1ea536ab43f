/**
 * The merchant page's view of grants, plan changes and usage, in a real browser against the real local
 * stack: the credit sources with their expiry (popover and Settings), the Upgrade dialog's prices and
 * plan previews (free and paid merchants), usage this period by feature, the ledger's CSV export, and a
 * pack's expiry in the Top Up dialog. Each figure the page shows is compared with the API's own answer.
 */
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseCsv } from '../support/csv.ts';
import { PHONE, api, appUrl, describeInBrowser, expectText, newAccount, newContext, open, setPlan, shot } from '../support/browser.ts';

const ADMIN = ['credits:admin'];
const DAY_MS = 86_400_000;
const COLUMNS = ['at', 'type', 'amount', 'bucket', 'balanceAfter', 'feature', 'generationId', 'productId', 'topUpId', 'grantId', 'reason'];

const PRODUCT_INPUT = { name: 'Sources Test Mug', category: 'Kitchen', features: ['Stoneware'], keywords: ['mug'], tone: 'friendly' };
const DESCRIPTION = { feature: 'product_description', productId: 'prod_src', input: PRODUCT_INPUT };
const SEO = { feature: 'seo_meta', productId: 'prod_src', input: PRODUCT_INPUT };

interface Source {
  bucket: string;
  id?: string;
  remaining: number;
  expiresAt: string | null;
  category?: string;
}

/** An admin grant to the account, as an operator would make one. */
async function grant(account: string, body: { amount: number; reason: string; category: 'promotional' | 'compensation'; expiresAt?: string }) {
  const r = await api(account, 'POST', `/v1/admin/accounts/${account}/grants`, body, ADMIN);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** The names the page gives a source (the brief's wording): by bucket, grants by category, top-ups by expiry. */
function labelOf(s: Source): string {
  if (s.bucket === 'allowance') return 'Monthly allowance';
  if (s.bucket === 'grant') return s.category === 'compensation' ? 'Compensation grant' : 'Promotional grant';
  return s.expiresAt ? 'Top-up' : 'Purchased credits';
}

/** "expires <date>" as the page's locale writes a date, or "never expires". */
async function expiryOf(page: Page, s: Source): Promise<string> {
  if (!s.expiresAt) return 'never expires';
  const date = await page.evaluate((iso) => new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }), s.expiresAt);
  return `expires ${date}`;
}

/** The sources a list shows, in its order. */
async function shownSources(page: Page, listTestId: string) {
  const items = page.getByTestId(listTestId).getByTestId('credit-source');
  const out = [];
  for (let i = 0; i < (await items.count()); i++) {
    const item = items.nth(i);
    out.push({
      bucket: await item.getAttribute('data-bucket'),
      label: ((await item.getByTestId('credit-source-label').textContent()) ?? '').trim(),
      remaining: ((await item.getByTestId('credit-source-remaining').textContent()) ?? '').trim(),
      expiry: ((await item.getByTestId('credit-source-expiry').textContent()) ?? '').trim(),
    });
  }
  return out;
}

async function expectedSources(page: Page, sources: Source[]) {
  const out = [];
  for (const s of sources) out.push({ bucket: s.bucket, label: labelOf(s), remaining: String(s.remaining), expiry: await expiryOf(page, s) });
  return out;
}

/** A catalog price in the page's locale, as the page formats it. */
async function priceText(page: Page, price: { amount: string; currency: string }): Promise<string> {
  return page.evaluate((p) => new Intl.NumberFormat(undefined, { style: 'currency', currency: p.currency }).format(Number(p.amount)), price);
}

/** Every ledger entry through the API, page by page. */
async function wholeLedger(account: string): Promise<any[]> {
  const all: any[] = [];
  let cursor: string | null = null;
  do {
    const r: { status: number; body: any } = await api(account, 'GET', `/v1/credits/ledger?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status).toBe(200);
    all.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return all;
}

/** Waits until a plan's preview in the open Upgrade dialog has been read, and returns what it shows. */
async function shownPreview(page: Page, plan: string) {
  const preview = page.getByTestId(`upgrade-preview-${plan}`);
  await expect.poll(() => preview.getAttribute('data-state')).toBe('ready');
  return {
    available: Number(await preview.getAttribute('data-available')),
    difference: Number(await preview.getAttribute('data-difference')),
    text: ((await preview.textContent()) ?? '').trim(),
  };
}

/** How the dialog writes a difference: "+75", "−25" (a minus sign), "±0". */
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `\u2212${-n}` : '\u00b10');

describeInBrowser('grants, plan previews and usage on the merchant page (browser, local stack)', { accountPrefix: 'acct_e2e_src' }, () => {
  it('given a free merchant with an expiring promotional grant and a compensation grant without expiry, then the popover and Settings list the API’s sources in order with their expiry, within a 390 px phone', async () => {
    const account = newAccount('sources');
    await api(account, 'GET', '/v1/credits');
    const promo = await grant(account, { amount: 10, reason: 'Welcome offer', category: 'promotional', expiresAt: new Date(Date.now() + 10 * DAY_MS).toISOString() });
    const comp = await grant(account, { amount: 5, reason: 'Sorry for the outage', category: 'compensation' });
    const { body: credits } = await api(account, 'GET', '/v1/credits');
    // The API's burn-down order: the allowance, the grant that expires, then the one that does not.
    expect(credits.sources.map((s: Source) => s.id ?? s.bucket)).toEqual(['allowance', promo.id, comp.id]);

    const { page, errors } = await open(account, 'settings', PHONE);
    await expectText(page.getByTestId('credits-count'), /^40$/);
    const expected = await expectedSources(page, credits.sources);
    expect(expected.map((s) => s.expiry)).toContainEqual('never expires');

    await page.getByTestId('credits-button').click();
    await page.getByTestId('credits-sources').waitFor();
    expect(await shownSources(page, 'credits-sources')).toEqual(expected);
    // Compact on a phone: the popover stays inside the screen.
    const box = await page.getByTestId('credits-popover').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'src-01-popover-sources-phone', false);
    await page.keyboard.press('Escape');

    await page.getByTestId('settings-sources').waitFor();
    expect(await shownSources(page, 'settings-sources')).toEqual(expected);
    const settingsBox = await page.getByTestId('settings-sources').boundingBox();
    expect(settingsBox!.x + settingsBox!.width).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'src-02-settings-sources-phone');
    expect(errors).toEqual([]);
  });

  it('given a free merchant with a grant, when the Upgrade dialog opens, then each paid plan shows its catalog price and the credits of the API’s plan preview', async () => {
    const account = newAccount('preview_free');
    await api(account, 'GET', '/v1/credits');
    await grant(account, { amount: 7, reason: 'Welcome offer', category: 'promotional', expiresAt: new Date(Date.now() + 5 * DAY_MS).toISOString() });
    const { body: catalog } = await api(account, 'GET', '/v1/catalog');
    const { page, errors } = await open(account, 'settings');
    await page.getByTestId('settings-upgrade').click();
    await page.getByTestId('upgrade-modal').waitFor();

    const others = catalog.plans.filter((p: { id: string }) => p.id !== 'free');
    expect(others.length).toBeGreaterThan(0);
    expect(await page.getByTestId('upgrade-plan-free').count()).toBe(0);
    for (const plan of others) {
      const { status, body: preview } = await api(account, 'GET', `/v1/credits/plan-preview?plan=${plan.id}`);
      expect(status).toBe(200);
      const shown = await shownPreview(page, plan.id);
      expect(shown.available).toBe(preview.after.available);
      expect(shown.difference).toBe(preview.difference);
      expect(shown.text).toBe(`You would have ${preview.after.available} credits (${signed(preview.difference)})`);
      // The grant stays through a plan change: the preview is the new allowance plus the grant.
      expect(preview.after.available).toBe(plan.monthlyAllowance + 7);
      await expectText(page.getByTestId(`upgrade-price-${plan.id}`), `${await priceText(page, plan.monthlyPrice)} / month`);
    }
    await shot(page, 'src-03-upgrade-preview-free', false);
    // Reading the previews changed nothing.
    expect((await api(account, 'GET', '/v1/credits')).body.plan).toBe('free');
    expect(errors).toEqual([]);
  });

  it('given a Plus merchant, when it opens Change plan in Settings, then Pro and Premium show with prices and previews, and choosing Pro switches the plan', async () => {
    const account = newAccount('preview_paid');
    await setPlan(account, 'plus');
    const { body: catalog } = await api(account, 'GET', '/v1/catalog');
    const { page, errors } = await open(account, 'settings');
    await expectText(page.getByTestId('settings-plan-name'), 'Plus');
    await page.getByTestId('settings-change-plan').click();
    const modal = page.getByTestId('upgrade-modal');
    await modal.waitFor();
    await expectText(page.locator('#upgrade-modal-title'), 'Change your plan');
    expect(await page.getByTestId('upgrade-plan-plus').count()).toBe(0);
    for (const id of ['pro', 'premium']) {
      const plan = catalog.plans.find((p: { id: string }) => p.id === id);
      await page.getByTestId(`upgrade-plan-${id}`).waitFor();
      await expectText(page.getByTestId(`upgrade-price-${id}`), `${await priceText(page, plan.monthlyPrice)} / month`);
      const { body: preview } = await api(account, 'GET', `/v1/credits/plan-preview?plan=${id}`);
      const shown = await shownPreview(page, id);
      expect([shown.available, shown.difference]).toEqual([preview.after.available, preview.difference]);
      expect(preview.difference).toBe(plan.monthlyAllowance - 100);
    }
    await shot(page, 'src-04-change-plan-paid', false);

    // In local mode choosing a plan switches it through the local plan route, as before.
    await page.getByTestId('upgrade-choose-pro').click();
    await modal.waitFor({ state: 'detached' });
    await expectText(page.getByTestId('settings-plan-name'), 'Pro');
    const { body: credits } = await api(account, 'GET', '/v1/credits');
    expect(credits.plan).toBe('pro');
    await expectText(page.getByTestId('credits-count'), String(credits.credits.available));
    expect(errors).toEqual([]);
  });

  it('given a paid merchant’s generations of two features, then Settings’ usage this period equals the usage route, by feature with its catalog label', async () => {
    const account = newAccount('usage');
    await setPlan(account, 'plus');
    for (const request of [DESCRIPTION, DESCRIPTION, SEO]) {
      const r = await api(account, 'POST', '/v1/generations', request);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const { body: usage } = await api(account, 'GET', '/v1/credits/usage?groupBy=feature');
    const { body: catalog } = await api(account, 'GET', '/v1/catalog');
    expect(usage.items.map((i: { key: string }) => i.key).sort()).toEqual(['product_description', 'seo_meta']);

    const { page, errors } = await open(account, 'settings');
    const rows = page.getByTestId('usage-feature-row');
    await expect.poll(() => rows.count()).toBe(usage.items.length);
    for (let i = 0; i < usage.items.length; i++) {
      const item = usage.items[i];
      const row = rows.nth(i);
      expect(await row.getAttribute('data-feature')).toBe(item.key);
      const cells = (await row.locator('th, td').allInnerTexts()).map((t) => t.trim());
      const label = catalog.features.find((f: { id: string }) => f.id === item.key).label;
      expect(cells).toEqual([label, String(item.generations), String(item.creditsCharged), String(item.creditsRefunded)]);
    }
    const total = (await page.getByTestId('usage-feature-total').locator('th, td').allInnerTexts()).map((t) => t.trim());
    expect(total).toEqual(['Total', String(usage.totals.generations), String(usage.totals.creditsCharged), String(usage.totals.creditsRefunded)]);
    expect(usage.totals.generations).toBe(3);
    await shot(page, 'src-05-usage-by-feature');

    // On a 390 px phone the table stacks instead of scrolling sideways; each figure keeps its name.
    await page.setViewportSize(PHONE);
    const table = page.getByTestId('usage-features').locator('table');
    await expect.poll(() => table.evaluate((el) => el.parentElement!.scrollWidth <= el.parentElement!.clientWidth)).toBe(true);
    const phoneCells = (await rows.first().locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    const first = usage.items[0];
    expect(phoneCells).toEqual([`Generations ${first.generations}`, `Credits charged ${first.creditsCharged}`, `Refunded ${first.creditsRefunded}`]);
    await shot(page, 'src-06-usage-by-feature-phone');
    expect(errors).toEqual([]);
  });

  it('given a ledger over several pages with reasons that need quoting, when Export CSV is clicked, then the downloaded file’s rows equal the whole ledger', async () => {
    const account = newAccount('csv');
    await setPlan(account, 'plus');
    await grant(account, { amount: 4, reason: 'Welcome, "friend"', category: 'promotional', expiresAt: new Date(Date.now() + 3 * DAY_MS).toISOString() });
    for (const reason of ['Refund, as agreed', 'Line one\nline two', 'Plain']) {
      const r = await api(account, 'POST', `/v1/admin/accounts/${account}/adjustments`, { amount: 2, reason }, ADMIN);
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    }
    expect((await api(account, 'POST', '/v1/generations', DESCRIPTION)).status).toBe(201);
    const ledger = await wholeLedger(account);
    expect(ledger.length).toBeGreaterThanOrEqual(6);

    // Pages of two entries (the catalog's page limit, lowered): the export has to follow the cursor.
    const context = await newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/v1/catalog', async (route) => {
      const response = await route.fetch();
      const catalog = await response.json();
      catalog.limits.ledgerPage = { default: 2, max: 2 };
      await route.fulfill({ response, json: catalog });
    });
    const cursors: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/v1/credits/ledger' && url.searchParams.has('cursor')) cursors.push(url.searchParams.get('cursor')!);
    });
    await page.goto(appUrl(account, 'settings'));
    await page.getByTestId('ledger-row').first().waitFor();
    cursors.length = 0;

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ledger-export').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = await readFile(await download.path(), 'utf8');
    // A byte order mark first, for spreadsheet apps; then the RFC 4180 file.
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(COLUMNS);
    expect(rows).toEqual(ledger.map((e) => COLUMNS.map((c) => (e[c] === undefined || e[c] === null ? '' : String(e[c])))));
    expect(rows.map((r) => r[10])).toContain('Line one\nline two');
    expect(cursors.length).toBeGreaterThanOrEqual(Math.ceil(ledger.length / 2) - 1);
    expect(errors).toEqual([]);
  });

  it('given a pack with validDays in the catalog, then the Top Up dialog says it expires that many days after purchase, and only for such packs', async () => {
    const account = newAccount('pack_expiry');
    await setPlan(account, 'plus');
    const { body: catalog } = await api(account, 'GET', '/v1/catalog');
    const expiring = catalog.packs.filter((p: { validDays?: number }) => p.validDays !== undefined);
    expect(expiring.length).toBeGreaterThan(0);
    const { page } = await open(account);
    await page.getByTestId('topup-button').click();
    await page.getByTestId('topup-modal').waitFor();
    for (const pack of catalog.packs) {
      const note = page.getByTestId(`topup-pack-${pack.id}`).getByTestId('topup-expiry');
      if (pack.validDays === undefined) expect(await note.count()).toBe(0);
      else await expectText(note, `expires ${pack.validDays} days after purchase`);
    }
  });
});
