/**
 * Image enhancement over real HTTP, as a merchant's integration does it: `POST /v1/uploads`, a fetch
 * PUT to the presigned URL (the local stack's s3rver), `POST /v1/generations`, then the results
 * fetched from their presigned GETs. Offline image model, dynalite in memory.
 */
import { describe, expect, it } from 'vitest';
import { dimProductPhoto, fiftyMegapixelPng, pixelAt, pixelStats, textFile, truncatedJpeg } from '../support/images.ts';
import { freshAccount, useStack, type Api } from '../support/stack.ts';

const ctx = useStack();

const paidAccount = () => ctx.paid('plus');

/** Creates an upload and PUTs `bytes` to it as a browser would, with the declared content type. */
async function upload(api: Api, bytes: Buffer, contentType: string): Promise<string> {
  const created = await api.post('/v1/uploads', { contentType, bytes: bytes.length });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const put = await fetch(created.body.uploadUrl, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': contentType } });
  expect(put.status).toBe(200);
  return created.body.uploadId;
}

async function download(url: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

async function creditsOf(api: Api) {
  return (await api.get('/v1/credits')).body as { credits: { available: number }; rateLimit: { remaining: number } };
}

const enhance = (uploadId: string, productId?: string, style?: 'auto' | 'white_background') => ({
  feature: 'image_enhancement',
  ...(productId ? { productId } : {}),
  input: { uploadId, ...(style ? { style } : {}) },
});

describe('POST /v1/uploads', () => {
  it('given a paid merchant, when it asks for an upload, then 201 with an upl_ id, a presigned PUT on 127.0.0.1 under its own prefix, and an expiry about 15 minutes away', async () => {
    const { id, api } = await paidAccount();
    const r = await api.post('/v1/uploads', { contentType: 'image/jpeg', bytes: 1234 });
    expect(r.status).toBe(201);
    expect(r.body.uploadId).toMatch(/^upl_/);
    const url = new URL(r.body.uploadUrl);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe(`/ai-credits-uploads/uploads/${id}/${r.body.uploadId}`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type']));
    const ttl = Date.parse(r.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
  });

  it('given a free merchant, when it asks for an upload, then 403 PLAN_UPGRADE_REQUIRED with action upgrade, and no URL', async () => {
    const api = await ctx.api(freshAccount());
    const r = await api.post('/v1/uploads', { contentType: 'image/jpeg', bytes: 1234 });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'PLAN_UPGRADE_REQUIRED', action: 'upgrade' });
  });

  const invalid: Array<[string, unknown]> = [
    ['a GIF', { contentType: 'image/gif', bytes: 100 }],
    ['0 bytes', { contentType: 'image/png', bytes: 0 }],
    ['10 MB and one byte', { contentType: 'image/png', bytes: 10 * 1024 * 1024 + 1 }],
    ['a fractional size', { contentType: 'image/png', bytes: 10.5 }],
    ['no content type', { bytes: 100 }],
    ['an unknown field', { contentType: 'image/png', bytes: 100, name: 'x.png' }],
  ];
  for (const [name, body] of invalid) {
    it(`given ${name}, then 400 VALIDATION_FAILED (before the plan check, even for a free merchant)`, async () => {
      const api = await ctx.api(freshAccount());
      const r = await api.post('/v1/uploads', body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.issues.length).toBeGreaterThan(0);
    });
  }
});

describe('image_enhancement over HTTP', () => {
  it('given a paid merchant and a dim JPEG uploaded through the presigned URL, when it generates, then 2 credits buy two 2048² images that differ from the photo and from each other, and the selected one becomes the product image', async () => {
    const { api } = await paidAccount();
    const photo = await dimProductPhoto({ width: 1600, height: 1200 });
    const uploadId = await upload(api, photo, 'image/jpeg');

    const r = await api.post('/v1/generations', enhance(uploadId, 'prod_img'));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ feature: 'image_enhancement', productId: 'prod_img', selectedIndex: null, creditsCharged: 2, credits: { available: 98 } });
    expect(r.body.variants).toHaveLength(2);
    for (const [i, v] of (r.body.variants as Array<Record<string, unknown>>).entries()) {
      expect(v).toMatchObject({ index: i, width: 2048, height: 2048 });
      expect(Object.keys(v).sort()).toEqual(['height', 'imageUrl', 'index', 'operations', 'width']);
      expect((v.operations as string[]).length).toBeGreaterThan(0);
      expect(new URL(v.imageUrl as string).searchParams.get('X-Amz-Expires')).toBe('3600');
    }
    expect(r.body.variants[1].operations).toContain('background_replaced_with_white');

    const [original, v0, v1] = await Promise.all([pixelStats(photo), ...r.body.variants.map(async (v: { imageUrl: string }) => {
      const got = await download(v.imageUrl);
      expect(got.status).toBe(200);
      expect(got.type).toBe('image/jpeg');
      return pixelStats(got.bytes);
    })]);
    expect(v0.width).toBe(2048);
    // Variant 0: brighter and with more contrast than the dim original.
    expect(v0.luma).toBeGreaterThan(original.luma + 30);
    expect(v0.lumaStdev).toBeGreaterThan(original.lumaStdev * 1.3);
    // Variant 1: the backdrop became white, so it is far lighter than variant 0.
    expect(v1.luma).toBeGreaterThan(v0.luma + 40);
    const v1Bytes = (await download(r.body.variants[1].imageUrl)).bytes;
    const v0Bytes = (await download(r.body.variants[0].imageUrl)).bytes;
    expect(Math.min(...(await pixelAt(v1Bytes, 20, 20)))).toBeGreaterThanOrEqual(250);
    expect(Math.max(...(await pixelAt(v0Bytes, 20, 20)))).toBeLessThan(200);
    // The product kept its red in both (below the label: the photo sits at y 256–1792 of the square).
    for (const bytes of [v0Bytes, v1Bytes]) {
      const [red, green] = await pixelAt(bytes, 1024, 1250);
      expect(red).toBeGreaterThan(green + 60);
    }

    // Reads presign again: the generation stores keys, never URLs.
    const again = await api.get(`/v1/generations/${r.body.id}`);
    expect(again.status).toBe(200);
    expect((await download(again.body.variants[1].imageUrl)).bytes.equals(v1Bytes)).toBe(true);

    const chosen = await api.post(`/v1/generations/${r.body.id}/select`, { index: 1 });
    expect(chosen.status).toBe(200);
    expect(chosen.body.selectedIndex).toBe(1);
    const content = await api.get('/v1/products/prod_img/content');
    expect(content.status).toBe(200);
    expect(content.body.image).toMatchObject({ width: 2048, height: 2048, generationId: r.body.id });
    // Kept outside results/ (which the bucket's lifecycle rule expires).
    expect(new URL(content.body.image.imageUrl).pathname).toMatch(/\/selected\//);
    expect((await download(content.body.image.imageUrl)).bytes.equals(v1Bytes)).toBe(true);
    expect((await creditsOf(api)).credits.available).toBe(98);

    const ledger = (await api.get('/v1/credits/ledger')).body.items.filter((e: { type: string }) => e.type === 'charge');
    expect(ledger).toEqual([expect.objectContaining({ amount: -2, feature: 'image_enhancement', generationId: r.body.id, productId: 'prod_img' })]);
  });

  it('given a PNG and style white_background, when it regenerates, then new images under a new generation, 2 more credits, and variant 0 padded with white', async () => {
    const { api } = await paidAccount();
    const uploadId = await upload(api, await dimProductPhoto({ width: 900, height: 600, format: 'png' }), 'image/png');
    const first = await api.post('/v1/generations', enhance(uploadId, 'prod_png', 'white_background'));
    expect(first.status).toBe(201);
    expect(first.body.variants[0].operations).toContain('padded_to_square_2048_white');
    const second = await api.post(`/v1/generations/${first.body.id}/regenerate`);
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ regeneratedFrom: first.body.id, creditsCharged: 2, credits: { available: 96 } });
    expect(second.body.variants[0].imageUrl).not.toBe(first.body.variants[0].imageUrl);
    expect((await download(second.body.variants[0].imageUrl)).status).toBe(200);
  });

  it('given no productId, when the merchant selects a variant, then the generation records it and no product changes', async () => {
    const { api } = await paidAccount();
    const uploadId = await upload(api, await dimProductPhoto({ width: 640, height: 480 }), 'image/jpeg');
    const r = await api.post('/v1/generations', enhance(uploadId));
    expect(r.status).toBe(201);
    expect(r.body.productId).toBeNull();
    const chosen = await api.post(`/v1/generations/${r.body.id}/select`, { index: 0 });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ selectedIndex: 0, productId: null });
  });

  const refused: Array<[string, () => Promise<Buffer>, string]> = [
    ['a text file renamed .jpg', async () => textFile(), 'image/jpeg'],
    ['a 50-megapixel PNG', fiftyMegapixelPng, 'image/png'],
    ['a truncated JPEG', truncatedJpeg, 'image/jpeg'],
    ['a JPEG declared as PNG', () => dimProductPhoto({ width: 320, height: 240 }), 'image/png'],
  ];
  for (const [name, make, contentType] of refused) {
    it(`given ${name}, when the merchant generates, then 400 VALIDATION_FAILED on input.uploadId, nothing charged and no attempt counted`, async () => {
      const { api } = await paidAccount();
      const uploadId = await upload(api, await make(), contentType);
      const r = await api.post('/v1/generations', enhance(uploadId, 'prod_bad'));
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.issues[0].path).toBe('input.uploadId');
      const credits = await creditsOf(api);
      expect(credits.credits.available).toBe(100);
      expect(credits.rateLimit.remaining).toBe(10);
      const ledger = (await api.get('/v1/credits/ledger')).body.items;
      expect(ledger.some((e: { type: string }) => e.type === 'charge')).toBe(false);
    });
  }

  it('given another account’s uploadId, an unknown one, or one never PUT, then 404 NOT_FOUND, nothing charged and no attempt counted', async () => {
    const owner = await paidAccount();
    const theirs = await upload(owner.api, await dimProductPhoto({ width: 320, height: 240 }), 'image/jpeg');
    const { api } = await paidAccount();
    const neverPut = (await api.post('/v1/uploads', { contentType: 'image/jpeg', bytes: 100 })).body.uploadId;
    for (const uploadId of [theirs, 'upl_unknown', neverPut, '..']) {
      const r = await api.post('/v1/generations', enhance(uploadId, 'prod_x'));
      expect(r.status, uploadId).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
    const credits = await creditsOf(api);
    expect(credits.credits.available).toBe(100);
    expect(credits.rateLimit.remaining).toBe(10);
  });

  it('given a free merchant, when it asks for image enhancement, then 403 upgrade before the upload is even looked up', async () => {
    const api = await ctx.api(freshAccount());
    const r = await api.post('/v1/generations', enhance('upl_whatever', 'prod_free'));
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'PLAN_UPGRADE_REQUIRED', action: 'upgrade' });
    expect((await creditsOf(api)).credits.available).toBe(25);
  });

  it('given the same Idempotency-Key twice, then the replay answers the same generation and 2 credits are charged once; another body under that key is 409', async () => {
    const { api } = await paidAccount();
    const uploadId = await upload(api, await dimProductPhoto({ width: 640, height: 480 }), 'image/jpeg');
    const key = { 'idempotency-key': `img-${Date.now()}` };
    const first = await api.post('/v1/generations', enhance(uploadId, 'prod_idem'), key);
    expect(first.status).toBe(201);
    const replay = await api.post('/v1/generations', enhance(uploadId, 'prod_idem'), key);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    const credits = await creditsOf(api);
    expect(credits.credits.available).toBe(98);
    expect(credits.rateLimit.remaining).toBe(9);
    const other = await api.post('/v1/generations', enhance(uploadId, 'prod_other'), key);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });
});
