/**
 * The Stable Image Remove Background adapter with the real AWS SDK, over real HTTP, against the local
 * fake (`support/fake-remove-background.ts`), which validates inputs by the model's documented limits and
 * removes backgrounds for real. Each test builds its own client: the adaptive retry mode keeps rate state per client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import sharp from 'sharp';
import { makeBedrockClient } from '#adapters/bedrock-model.ts';
import { BedrockImageModel, toModelInput } from '#adapters/image-bedrock.ts';
import { imageModelSpec } from '#config';
import { ModelFailure, type ModelFailureKind } from '#core/errors.ts';
import type { ImageEnhanceInput } from '#core/images.ts';
import { startFakeRemoveBackground, type FakeRemoveBackground } from '../support/fake-remove-background.ts';
import { dimProductPhoto, pixelAt, pixelStats, transparentProductPng } from '../support/images.ts';

const MODEL_ID = 'us.stability.stable-image-remove-background-v1:0';
const credentials = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };

let fake: FakeRemoveBackground;
let input: ImageEnhanceInput;
const clients: BedrockRuntimeClient[] = [];

beforeAll(async () => {
  fake = await startFakeRemoveBackground();
  input = { image: await dimProductPhoto({ width: 1600, height: 1200 }), contentType: 'image/jpeg', style: 'auto' };
});
afterEach(() => {
  fake.reset();
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
  await fake.close();
});

function modelFor(opts: { timeBudgetMs?: number; maxAttempts?: number } = {}): BedrockImageModel {
  const timeBudgetMs = opts.timeBudgetMs ?? 15_000;
  const client = makeBedrockClient(
    { AWS_REGION: 'us-east-1', BEDROCK_ENDPOINT: fake.url, MODEL_TIME_BUDGET_MS: timeBudgetMs },
    { credentials, ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}) },
  );
  clients.push(client);
  return new BedrockImageModel({ client, modelId: MODEL_ID, timeBudgetMs });
}

async function failureOf(promise: Promise<unknown>): Promise<ModelFailure> {
  const outcome = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(outcome).toBeInstanceOf(ModelFailure);
  return outcome as ModelFailure;
}

const kindOf = async (promise: Promise<unknown>): Promise<ModelFailureKind> => (await failureOf(promise)).kind;

describe('BedrockImageModel against the Remove Background fake', () => {
  it('given a 1600×1200 photo, then it sends one request of only { image, output_format: png } with a PNG resized to 1024×768, within the model’s limits', async () => {
    await modelFor().enhance(input, {});
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.modelId).toBe(MODEL_ID);
    expect(Object.keys(request.body).sort()).toEqual(['image', 'output_format']);
    expect(request.body.output_format).toBe('png');
    expect(request.image).toEqual({ width: 1024, height: 768, format: 'png' });
  });

  it('given a successful cut-out, then variant 1 is the product on white at 2048² and variant 0 the locally enhanced photo', async () => {
    const result = await modelFor().enhance(input, {});
    expect(result).toMatchObject({ modelId: MODEL_ID, calls: 1 });
    const [enhanced, white] = result.variants;
    expect(enhanced.operations).not.toContain('background_removed_by_model');
    expect(enhanced.operations).toContain('exposure_brightened_gamma');
    expect(white.operations.slice(-4)).toEqual([
      'background_removed_by_model',
      'cutout_mask_applied_at_working_resolution',
      'background_replaced_with_white',
      'padded_to_square_2048_white',
    ]);
    for (const v of result.variants) expect(await sharp(v.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 2048, height: 2048 });
    expect(Math.min(...(await pixelAt(white.bytes, 200, 400)))).toBeGreaterThanOrEqual(248); // backdrop now white
    const [r, g] = await pixelAt(white.bytes, 768, 1024); // on the red bottle
    expect(r).toBeGreaterThan(g + 60);
    const [s0, s1] = await Promise.all(result.variants.map((v) => pixelStats(v.bytes)));
    expect(s1.luma - s0.luma).toBeGreaterThan(60);
  });

  it('given a small 200×120 photo, then the model input (from the 2048-wide working image) is fitted inside 1024 px, with no padding needed', async () => {
    const small = await dimProductPhoto({ width: 200, height: 120 });
    const result = await modelFor().enhance({ image: small, contentType: 'image/jpeg', style: 'auto' }, {});
    // The working image is 2048×1229; fitted inside 1024 it is 1024×614.
    expect(fake.requests[0].image).toEqual({ width: 1024, height: 614, format: 'png' });
    expect(result.variants[1].operations).toContain('background_removed_by_model');
  });

  it('given a panorama strip (4000×1000), then the model input is padded to the 2.5:1 aspect ratio the model accepts and the answer cropped back', async () => {
    const strip = await dimProductPhoto({ width: 4000, height: 1000 });
    const result = await modelFor().enhance({ image: strip, contentType: 'image/jpeg', style: 'auto' }, {});
    const sent = fake.requests[0].image!;
    expect(sent.width).toBe(1024);
    expect(sent.width / sent.height).toBeLessThanOrEqual(imageModelSpec(MODEL_ID).maxAspectRatio);
    expect(result.variants[1].operations).toContain('background_removed_by_model');
  });

  it('given model inputs at the limits, then toModelInput keeps every side, pixel count and ratio within the spec', async () => {
    const spec = imageModelSpec(MODEL_ID);
    for (const [width, height] of [[10, 10], [3000, 20], [20, 3000], [5000, 5000]]) {
      const sent = await toModelInput({ data: Buffer.alloc(width * height * 3, 128), width, height } as never, spec);
      expect(Math.min(sent.width, sent.height), `${width}×${height}`).toBeGreaterThanOrEqual(spec.minSidePixels);
      expect(sent.width * sent.height).toBeLessThanOrEqual(spec.maxPixels);
      expect(Math.max(sent.width, sent.height) / Math.min(sent.width, sent.height)).toBeLessThanOrEqual(spec.maxAspectRatio);
      expect(await sharp(sent.png).metadata()).toMatchObject({ width: sent.width, height: sent.height });
    }
  });

  it('given a PNG that already has a transparent background, then no paid call is made and its alpha is used', async () => {
    const result = await modelFor().enhance({ image: await transparentProductPng(), contentType: 'image/png', style: 'auto' }, {});
    expect(fake.requests).toHaveLength(0);
    expect(result.calls).toBe(0);
    expect(result.variants[1].operations).toContain('background_taken_from_alpha_channel');
  });

  it('given a cut-out that keeps every pixel, then variant 1 says no background was found instead of claiming a white one', async () => {
    fake.script('keep_all');
    const result = await modelFor().enhance(input, {});
    expect(result.variants[1].operations).toContain('no_background_found_by_model');
    expect(result.variants[1].operations).not.toContain('background_replaced_with_white');
  });
});

describe('BedrockImageModel failures map to ModelFailure kinds', () => {
  it('given the model throttles once, then the SDK retries and the result reports 2 calls', async () => {
    fake.script('throttle');
    const result = await modelFor().enhance(input, {});
    expect(result.calls).toBe(2);
    expect(fake.requests).toHaveLength(2);
  });

  it('given the model throttles every attempt, then it fails as throttled', async () => {
    fake.script('throttle', 'throttle');
    expect(await kindOf(modelFor().enhance(input, {}))).toBe('throttled');
  });

  it('given 503 then 500, then it fails as unavailable after the SDK’s retry', async () => {
    fake.script('unavailable', 'internal');
    expect(await kindOf(modelFor().enhance(input, {}))).toBe('unavailable');
    expect(fake.requests).toHaveLength(2);
  });

  it('given the content filters stop the request (200, finish reason, no image), then it fails as invalid_output (refundable) without a retry', async () => {
    fake.script('content_filtered');
    const failure = await failureOf(modelFor().enhance(input, {}));
    expect(failure.kind).toBe('invalid_output');
    expect(failure.message).toMatch(/Stable Image Remove Background made no image: Filter reason: input image/);
    expect(fake.requests).toHaveLength(1);
  });

  it('given an inference error finish reason, then it fails as unavailable', async () => {
    fake.script('inference_error');
    expect(await kindOf(modelFor().enhance(input, {}))).toBe('unavailable');
  });

  it('given the foundation-model id of this profile-only model, or Nova Canvas’s id, then the adapter refuses to be built', () => {
    const client = makeBedrockClient({ AWS_REGION: 'us-east-1', BEDROCK_ENDPOINT: fake.url, MODEL_TIME_BUDGET_MS: 1_000 }, { credentials });
    clients.push(client);
    for (const modelId of ['stability.stable-image-remove-background-v1:0', 'amazon.nova-canvas-v1:0', 'apac.stability.stable-image-remove-background-v1:0']) {
      expect(() => new BedrockImageModel({ client, modelId, timeBudgetMs: 1_000 }), modelId).toThrow(/No image model/);
    }
  });

  it('given BEDROCK_IMAGE_REGION, then the client calls the image model there, not in the function’s own Region', async () => {
    const env = { AWS_REGION: 'ap-southeast-1', BEDROCK_ENDPOINT: fake.url, MODEL_TIME_BUDGET_MS: 1_000, BEDROCK_IMAGE_MODEL_ID: MODEL_ID };
    expect(await BedrockImageModel.fromEnv({ ...env, BEDROCK_IMAGE_REGION: 'us-west-2' }).region()).toBe('us-west-2');
    expect(await BedrockImageModel.fromEnv(env).region()).toBe('ap-southeast-1');
  });

  it.each([
    ['not_json', /other than one image/],
    ['no_images', /other than one image/],
    ['not_base64', /not base64/],
    ['no_alpha', /without an alpha channel/],
    ['wrong_size', /333×333 for a 1024×768 input/],
  ] as const)('given a 200 answer that is %s, then it fails as invalid_output', async (how, message) => {
    fake.script({ kind: 'malformed', how });
    const failure = await failureOf(modelFor().enhance(input, {}));
    expect(failure.kind).toBe('invalid_output');
    expect(failure.message).toMatch(message);
  });

  it('given a cut-out that keeps no pixel, then it fails as invalid_output (no product found)', async () => {
    fake.script('keep_none');
    const failure = await failureOf(modelFor().enhance(input, {}));
    expect(failure.kind).toBe('invalid_output');
    expect(failure.message).toMatch(/kept no product/);
  });

  it('given the model answers after 30 s and a time budget of 8 s, then the call is cut and it fails as timeout at about the budget', async () => {
    fake.script({ kind: 'slow', delayMs: 30_000 });
    const started = Date.now();
    expect(await kindOf(modelFor({ timeBudgetMs: 8_000 }).enhance(input, {}))).toBe('timeout');
    expect(fake.requests).toHaveLength(1); // the budget ended during the call, not before it
    expect(Date.now() - started).toBeGreaterThanOrEqual(7_900);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('given the caller’s signal aborts while the model is slow, then it fails as timeout at that moment', async () => {
    fake.script({ kind: 'slow', delayMs: 30_000 });
    const controller = new AbortController();
    const pending = failureOf(modelFor().enhance(input, { signal: controller.signal }));
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const abortedAt = Date.now();
    controller.abort();
    const failure = await pending;
    expect(failure.kind).toBe('timeout');
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
  });

  it('given nothing listens at the endpoint, then it fails as unavailable', async () => {
    const client = makeBedrockClient({ AWS_REGION: 'us-east-1', BEDROCK_ENDPOINT: 'http://127.0.0.1:9', MODEL_TIME_BUDGET_MS: 5_000 }, { credentials, maxAttempts: 1 });
    clients.push(client);
    const model = new BedrockImageModel({ client, modelId: MODEL_ID, timeBudgetMs: 5_000 });
    expect(await kindOf(model.enhance(input, {}))).toBe('unavailable');
  });
});

describe('the Remove Background fake itself (Bedrock’s validation)', () => {
  const invoke = (modelId: string, body: unknown) =>
    fetch(`${fake.url}/model/${encodeURIComponent(modelId)}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#808080' } }).png().toBuffer();

  it.each([
    ['a side under 64 px', 63, 400, /at least 64 pixels/],
    ['more than 9,437,184 pixels', 3100, 3100, /cannot exceed 9437184/],
    ['an aspect ratio past 2.5:1', 1000, 399, /aspect ratio/],
  ] as const)('refuses %s with a ValidationException', async (_name, width, height, message) => {
    const r = await invoke(MODEL_ID, { image: (await png(width, height)).toString('base64') });
    expect(r.status).toBe(400);
    expect(r.headers.get('x-amzn-errortype')).toMatch(/^ValidationException/);
    expect((await r.json()).message).toMatch(message);
  });

  it('refuses Nova Canvas’s body shape, the bare id of the profile-only model and unknown ids', async () => {
    const image = (await png(320, 320)).toString('base64');
    expect((await invoke(MODEL_ID, { taskType: 'BACKGROUND_REMOVAL', backgroundRemovalParams: { image } })).status).toBe(400);
    expect((await invoke(MODEL_ID, { image, taskType: 'BACKGROUND_REMOVAL' })).status).toBe(400);
    expect(await (await invoke('stability.stable-image-remove-background-v1:0', { image })).json()).toMatchObject({ message: expect.stringMatching(/inference profile/) });
    expect((await invoke('amazon.nova-canvas-v1:0', { image })).status).toBe(400);
    expect((await invoke(MODEL_ID, { image })).status).toBe(200);
  });
});
