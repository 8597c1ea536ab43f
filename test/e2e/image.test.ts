/**
 * Product photo enhancement on Edit Product, in a real browser against the real local stack (in
 * memory, random port, its own s3rver): the page asks `POST /v1/uploads`, PUTs the file straight to
 * the presigned URL (cross-origin, so CORS is exercised), generates `image_enhancement`, shows the
 * original and both results side by side, and keeps the one picked as the product's photo.
 * The harness (stack, browser, accounts, screenshots in test-output/screenshots/) is test/support/browser.ts.
 *
 * `E2E_BASE_URL=http://127.0.0.1:3000` runs the same tests against an already running stack (`npm start`).
 */
import { expect, it } from 'vitest';
import { api, describeInBrowser, expectText, imageLoaded, newAccount, open, setPlan, shotHere } from '../support/browser.ts';
import { dimProductPhoto, pixelStats, textFile } from '../support/images.ts';

describeInBrowser('product photo enhancement (browser, local stack)', { accountPrefix: 'acct_e2e_img' }, () => {
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
      expect(await imageLoaded(img)).toEqual({ width: 2048, height: 2048 });
      const res = await fetch(generation.variants[i].imageUrl);
      stats.push(await pixelStats(Buffer.from(await res.arrayBuffer())));
    }
    const original = await pixelStats(photo);
    expect(stats[0].luma).toBeGreaterThan(original.luma + 30);
    expect(stats[1].luma).toBeGreaterThan(stats[0].luma + 40);
    await imageLoaded(page.getByTestId('image-original').locator('img'));

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
    expect(await imageLoaded(saved)).toEqual({ width: 2048, height: 2048 });
    await page.getByTestId('image-section').scrollIntoViewIfNeeded();
    await shotHere(page, 'image-01-enhanced-side-by-side');

    // The choice is the product's: a reload shows it from GET /v1/products/{productId}/content.
    await page.reload();
    await expectText(page.getByTestId('credits-count'), /^98$/);
    expect(await imageLoaded(page.getByTestId('saved-image').locator('img'))).toEqual({ width: 2048, height: 2048 });
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
    await shotHere(page, 'image-02-not-an-image');
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
    await shotHere(page, 'image-03-free-upgrade');
    expect(puts).toEqual([]);
    expect((await api(account, 'GET', '/v1/credits')).body.credits.available).toBe(25);
    expect(errors).toEqual([]);
  });
});
