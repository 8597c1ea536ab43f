/**
 * Image enhancement over real HTTP with `AI_PROVIDER=bedrock`: the Stable Image Remove Background adapter
 * with the real SDK against the local InvokeModel fake, uploads on the stack's s3rver. A model that fails, in any
 * way, costs the merchant nothing: 502 GENERATION_FAILED with both credits refunded.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_MODEL_ID } from '#config';
import { startFakeRemoveBackground, type FakeRemoveBackground, type RemoveBackgroundStep } from '../support/fake-remove-background.ts';
import { dimProductPhoto } from '../support/images.ts';
import { useStack, type Api } from '../support/stack.ts';

let fake: FakeRemoveBackground;
beforeAll(async () => {
  fake = await startFakeRemoveBackground();
  process.env.BEDROCK_ENDPOINT = fake.url;
});
afterAll(async () => fake?.close());
beforeEach(() => fake.reset());

// The image model is built on the first generation, after the fake is up.
const ctx = useStack({
  env: {
    LOG_LEVEL: 'SILENT',
    AI_PROVIDER: 'bedrock',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    // Roomy enough for a loaded 2-core machine; the slow step below outlasts it.
    MODEL_TIME_BUDGET_MS: '6000',
    RATE_LIMIT_MAX_ATTEMPTS: '1000',
  },
});

let photo: Buffer;
beforeAll(async () => {
  photo = await dimProductPhoto({ width: 800, height: 600 });
});

async function paidMerchantWithUpload(): Promise<{ api: Api; uploadId: string }> {
  const { api } = await ctx.paid('plus');
  const created = await api.post('/v1/uploads', { contentType: 'image/jpeg', bytes: photo.length });
  expect(created.status).toBe(201);
  const put = await fetch(created.body.uploadUrl, { method: 'PUT', body: new Uint8Array(photo), headers: { 'content-type': 'image/jpeg' } });
  expect(put.status).toBe(200);
  return { api, uploadId: created.body.uploadId };
}

const body = (uploadId: string) => ({ feature: 'image_enhancement', productId: 'prod_cutout', input: { uploadId } });

describe('image_enhancement through Stable Image Remove Background (a local fake)', () => {
  it('given the model answers, when a paid merchant generates, then 201 with one InvokeModel call and variant 1 cut out by the model', async () => {
    const { api, uploadId } = await paidMerchantWithUpload();
    const r = await api.post('/v1/generations', body(uploadId));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ creditsCharged: 2, credits: { available: 98 }, model: { id: DEFAULT_IMAGE_MODEL_ID, calls: 1 } });
    expect(r.body.variants[1].operations).toContain('background_removed_by_model');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].modelId).toBe(DEFAULT_IMAGE_MODEL_ID);
    expect(fake.requests[0].body.output_format).toBe('png');
    expect((await fetch(r.body.variants[1].imageUrl)).status).toBe(200);
  });

  const failures: Array<[string, RemoveBackgroundStep[]]> = [
    ['a content-filter refusal', [{ kind: 'content_filtered' }]],
    ['an inference error', [{ kind: 'inference_error' }]],
    ['an internal error on every attempt', [{ kind: 'internal' }, { kind: 'internal' }, { kind: 'internal' }]],
    ['an answer without an alpha channel', [{ kind: 'malformed', how: 'no_alpha' }]],
    ['a cut-out that keeps no product', [{ kind: 'keep_none' }]],
    ['a slow answer past the time budget', [{ kind: 'slow', delayMs: 12_000 }]],
  ];
  for (const [name, steps] of failures) {
    it(`given ${name}, when a paid merchant generates, then 502 GENERATION_FAILED, both credits refunded, the attempt counted and the ledger says so`, async () => {
      const { api, uploadId } = await paidMerchantWithUpload();
      fake.script(...steps);
      const r = await api.post('/v1/generations', body(uploadId));
      expect(r.status).toBe(502);
      expect(r.body.error).toMatchObject({ code: 'GENERATION_FAILED', creditsRefunded: 2 });
      expect(r.headers.get('ratelimit-remaining')).toBe('999');
      const credits = (await api.get('/v1/credits')).body;
      expect(credits.credits.available).toBe(100);
      expect(credits.rateLimit.remaining).toBe(999);
      const ledger = (await api.get('/v1/credits/ledger')).body.items as Array<{ type: string; amount: number; feature?: string }>;
      expect(ledger.filter((e) => e.type === 'charge' || e.type === 'refund').map((e) => [e.type, e.amount, e.feature])).toEqual([
        ['refund', 2, 'image_enhancement'],
        ['charge', -2, 'image_enhancement'],
      ]);
    });
  }
});
