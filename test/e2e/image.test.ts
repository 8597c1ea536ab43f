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

/** A product on a background of stripes: no plain border colour for the whitening step to take away. */
async function busyBackgroundPhoto(): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  const width = 640;
  const height = 480;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const stripe = Math.floor((x + y) / 24) % 3;
      const inside = x > 200 && x < 440 && y > 140 && y < 340;
      raw[i] = inside ? 40 : [230, 30, 60][stripe];
      raw[i + 1] = inside ? 90 : [40, 200, 60][stripe];
      raw[i + 2] = inside ? 160 : [30, 50, 220][stripe];
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

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
    // Captions say what was done in a merchant's words, not the pipeline's step names.
    for (const caption of await page.getByTestId('variant-image-caption').allTextContents()) expect(caption).not.toMatch(/_|gray world|p99|unsharp/i);
    expect(await page.getByTestId('variant-image-1').locator('h4').textContent()).toBe('White background');
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

  it('given a paid merchant, when the file is a text file renamed .jpg, then the page says why beside the picker, shows no broken image, and nothing is uploaded or spent', async () => {
    const account = newAccount('text');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account);
    await expectText(page.getByTestId('credits-count'), /^100$/);
    const calls: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' || r.url().endsWith('/v1/uploads')) calls.push(`${r.method()} ${r.url()}`);
    });
    await page.getByTestId('image-file').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: textFile() });
    await expectText(page.getByTestId('image-error'), /“photo\.jpg” is not a JPEG, PNG or WebP image/);
    expect(await page.getByTestId('image-original').count()).toBe(0);
    expect(await page.getByTestId('generate-image').getAttribute('aria-disabled')).toBe('true');
    // Forced: Playwright would wait for an aria-disabled button to be enabled; the page must ignore the click.
    await page.getByTestId('generate-image').click({ force: true });
    await page.getByTestId('image-section').scrollIntoViewIfNeeded();
    await shotHere(page, 'image-02-not-an-image');
    expect(calls).toEqual([]);
    expect(await page.getByTestId('variant-image-0').count()).toBe(0);
    expect((await api(account, 'GET', '/v1/credits')).body.credits.available).toBe(100);
    await expectText(page.getByTestId('credits-count'), /^100$/);
    expect(errors).toEqual([]);
  });

  it('given a photo the service refuses (400), then the toast gives the reason in plain words, without field paths', async () => {
    const account = newAccount('refused');
    await setPlan(account, 'plus');
    const { page } = await open(account);
    await page.route('**/v1/generations', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: 'The request is not valid.', issues: [{ path: 'input.uploadId', message: 'The upload is not a JPEG, PNG or WebP image.' }] } }),
      }),
    );
    await page.getByTestId('image-file').setInputFiles({ name: 'bottle.jpg', mimeType: 'image/jpeg', buffer: await dimProductPhoto({ width: 320, height: 240 }) });
    await page.getByTestId('generate-image').click();
    const toast = page.getByTestId('toast-error');
    await expectText(toast, /The upload is not a JPEG, PNG or WebP image/);
    expect(await toast.textContent()).not.toMatch(/input\.uploadId|Please check the form/);
  });

  it('given a photo on a busy background, then option 2 is not called a white background, and captions read in plain words', async () => {
    const account = newAccount('busy');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account);
    await page.getByTestId('image-file').setInputFiles({ name: 'busy.png', mimeType: 'image/png', buffer: await busyBackgroundPhoto() });
    const generated = page.waitForResponse((r) => r.url().endsWith('/v1/generations') && r.request().method() === 'POST');
    await page.getByTestId('generate-image').click();
    const generation = await (await generated).json();
    await page.getByTestId('variant-image-1').waitFor({ timeout: 30_000 });
    // What the pipeline did: it kept the background (the border is not one colour).
    expect(generation.variants[1].operations).not.toContain('background_replaced_with_white');
    const heading = (await page.getByTestId('variant-image-1').locator('h4').textContent())!;
    expect(heading).not.toMatch(/white background/i);
    await page.getByTestId('variant-image-1').getByTestId('variant-image-note').waitFor();
    for (const caption of await page.getByTestId('variant-image-caption').allTextContents()) {
      expect(caption).not.toMatch(/_|gray world|p99|unsharp|gamma/i);
      expect(caption).toMatch(/2048×2048 px/);
    }
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
