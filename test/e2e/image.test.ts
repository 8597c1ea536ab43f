/**
 * Product photo enhancement on Edit Product, in a real browser against the real local stack (in
 * memory, random port, its own s3rver): the page asks `POST /v1/uploads`, PUTs the file straight to
 * the presigned URL (cross-origin, so CORS is exercised), generates `image_enhancement`, shows the
 * original and both results side by side, and keeps the one picked as the product's photo.
 * Same setup as `merchant-page.test.ts`; screenshots land in test-output/screenshots/.
 *
 * `E2E_BASE_URL=http://127.0.0.1:3000` runs the same tests against an already running stack (`npm start`).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { dimProductPhoto, pixelStats, textFile } from '../support/images.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-output', 'screenshots');
const EXTERNAL = process.env.E2E_BASE_URL?.replace(/\/$/, '');
const DESKTOP = { width: 1280, height: 900 };

let base = '';
let browser: Browser;
let closeStack: (() => Promise<void>) | undefined;
const contexts: BrowserContext[] = [];

let seq = 0;
function newAccount(label: string): string {
  return `acct_e2e_img_${label}_${Date.now().toString(36)}${(seq++).toString(36)}`;
}

async function tokenFor(accountId: string): Promise<string> {
  const res = await fetch(`${base}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function api<T = any>(accountId: string, method: string, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${await tokenFor(accountId)}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Switches the plan through the local billing route and waits until it applies. */
async function setPlan(accountId: string, plan: 'free' | 'plus' | 'pro' | 'premium'): Promise<void> {
  await api(accountId, 'GET', '/v1/credits');
  const res = await fetch(`${base}/local/accounts/${accountId}/plan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ plan }) });
  expect(res.status).toBeLessThan(300);
  await expect.poll(async () => (await api(accountId, 'GET', '/v1/credits')).body.plan, { timeout: 5000 }).toBe(plan);
}

async function open(accountId: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: DESKTOP });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/?account=${encodeURIComponent(accountId)}#/product`);
  await expectText(page.getByTestId('credits-count'), /^\d+$/);
  return { page, errors };
}

async function expectText(locator: Locator, expected: string | RegExp, timeout = 10_000): Promise<void> {
  await expect.poll(async () => ((await locator.first().textContent().catch(() => null)) ?? '').trim(), { timeout }).toMatch(expected);
}

/** Waits until the image has loaded and returns its natural size. */
async function loaded(img: Locator): Promise<{ width: number; height: number }> {
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 15_000 }).toBe(true);
  return img.evaluate((el: HTMLImageElement) => ({ width: el.naturalWidth, height: el.naturalHeight }));
}

const browserMissing = !existsSync(CHROMIUM);
if (browserMissing) console.warn(`image e2e skipped: no browser at ${CHROMIUM} (set CHROMIUM_PATH)`);

describe.skipIf(browserMissing)('product photo enhancement (browser, local stack)', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    if (EXTERNAL) {
      base = EXTERNAL;
    } else {
      const { build } = await import('vite');
      await build({ root: join(ROOT, 'web'), configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
      const { startLocalStack } = await import('../../lib/local/stack.ts');
      const stack = await startLocalStack({ port: 0, webDir: join(ROOT, 'web', 'dist'), env: { LOG_LEVEL: 'SILENT' } });
      base = stack.url;
      closeStack = () => stack.close();
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await closeStack?.();
  });

  it('given a paid merchant, when it uploads a dim JPEG and enhances it, then the original and two different 2048² results show side by side for 2 credits, and the one picked becomes the product photo after a reload', async () => {
    const account = newAccount('paid');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account);
    await expectText(page.getByTestId('credits-count'), /^100$/);

    const photo = await dimProductPhoto({ width: 1600, height: 1200, seed: 7 });
    await page.getByTestId('image-file').setInputFiles({ name: 'bottle.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByTestId('image-original').waitFor();
    await expectText(page.getByTestId('generate-image'), /2 credits/);

    const uploadPut = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/uploads/'));
    const generated = page.waitForResponse((r) => r.url().endsWith('/v1/generations') && r.request().method() === 'POST');
    await page.getByTestId('generate-image').click();
    expect((await uploadPut).status()).toBe(200);
    const generation = await (await generated).json();
    expect(generation).toMatchObject({ feature: 'image_enhancement', creditsCharged: 2 });
    await page.getByTestId('variant-image-1').waitFor({ timeout: 30_000 });
    await expectText(page.getByTestId('credits-count'), /^98$/);

    // Both results load from their presigned URLs, at 2048², and differ from each other and the photo.
    const stats = [];
    for (const i of [0, 1]) {
      const img = page.getByTestId(`variant-image-${i}`).locator('img');
      expect(await loaded(img)).toEqual({ width: 2048, height: 2048 });
      const res = await fetch(generation.variants[i].imageUrl);
      stats.push(await pixelStats(Buffer.from(await res.arrayBuffer())));
    }
    const original = await pixelStats(photo);
    expect(stats[0].luma).toBeGreaterThan(original.luma + 30);
    expect(stats[1].luma).toBeGreaterThan(stats[0].luma + 40);
    await loaded(page.getByTestId('image-original').locator('img'));

    // Side by side on a desktop: the original and both results on one row, left to right.
    const boxes = await Promise.all(
      ['image-original', 'variant-image-0', 'variant-image-1'].map(async (id) => (await page.getByTestId(id).boundingBox())!),
    );
    expect(Math.abs(boxes[0].y + boxes[0].height - (boxes[1].y + boxes[1].height))).toBeLessThan(60);
    expect(boxes[0].x).toBeLessThan(boxes[1].x);
    expect(boxes[1].x).toBeLessThan(boxes[2].x);

    await page.getByTestId('variant-image-1-select').click();
    await expectText(page.getByTestId('variant-image-1-select'), 'Selected');
    const saved = page.getByTestId('saved-image').locator('img');
    expect(await loaded(saved)).toEqual({ width: 2048, height: 2048 });
    await page.getByTestId('image-section').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'image-01-enhanced-side-by-side.png'), fullPage: false });

    // The choice is the product's: a reload shows it from GET /v1/products/{productId}/content.
    await page.reload();
    await expectText(page.getByTestId('credits-count'), /^98$/);
    expect(await loaded(page.getByTestId('saved-image').locator('img'))).toEqual({ width: 2048, height: 2048 });
    expect(await page.getByTestId('saved-image').locator('img').getAttribute('src')).toContain('/selected/');
    expect(errors).toEqual([]);
  });

  it('given a paid merchant, when the file is a text file renamed .jpg, then the page says why and no credit is spent', async () => {
    const account = newAccount('text');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account);
    await expectText(page.getByTestId('credits-count'), /^100$/);
    await page.getByTestId('image-file').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: textFile() });
    await page.getByTestId('generate-image').click();
    const toast = page.getByTestId('toast-error');
    await expectText(toast, /not a JPEG, PNG or WebP image/);
    await page.waitForTimeout(400); // the toast's entrance animation
    await page.screenshot({ path: join(SHOTS, 'image-02-not-an-image.png'), fullPage: false });
    expect(await page.getByTestId('variant-image-0').count()).toBe(0);
    expect((await api(account, 'GET', '/v1/credits')).body.credits.available).toBe(100);
    await expectText(page.getByTestId('credits-count'), /^100$/);
    expect(errors).toEqual([]);
  });

  it('given a free merchant, when it tries to enhance a photo, then the upgrade dialog opens and nothing is uploaded or spent', async () => {
    const account = newAccount('free');
    const { page, errors } = await open(account);
    await expectText(page.getByTestId('credits-count'), /^25$/);
    const puts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT') puts.push(r.url());
    });
    await page.getByTestId('image-file').setInputFiles({ name: 'bottle.jpg', mimeType: 'image/jpeg', buffer: await dimProductPhoto({ width: 320, height: 240 }) });
    await page.getByTestId('generate-image').click();
    await page.getByTestId('upgrade-modal').waitFor();
    await page.screenshot({ path: join(SHOTS, 'image-03-free-upgrade.png'), fullPage: false });
    expect(puts).toEqual([]);
    expect((await api(account, 'GET', '/v1/credits')).body.credits.available).toBe(25);
    expect(errors).toEqual([]);
  });
});
