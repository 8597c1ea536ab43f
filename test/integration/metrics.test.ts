/**
 * The business metrics, read as a developer would: `GET /local/metrics`, the running totals of the EMF
 * lines the functions wrote (the same names, units and dimensions CloudWatch gets). Each test reads the
 * totals before and after one request and asserts the difference, so the tests share one stack.
 */
import { describe, expect, it } from 'vitest';
import { modelPrice } from '../../functions/config.ts';
import { METRICS, SERVICE_NAME } from '../../functions/observability/metrics.ts';
import { spend, WEBHOOK } from '../support/billing.ts';
import { useFakeConverse } from '../support/fake-converse.ts';
import { call, freshAccount, useStack } from '../support/stack.ts';

const converse = useFakeConverse();

const ctx = useStack({
  env: {
    LOG_LEVEL: 'SILENT',
    AI_PROVIDER: 'bedrock',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    // Room for the SDK's retry of a throttle, so a throttled call fails as throttled and never as a timeout.
    MODEL_TIME_BUDGET_MS: '10000',
    RATE_LIMIT_MAX_ATTEMPTS: '2',
  },
});

const body = { feature: 'product_description', productId: 'prod_m', input: { name: 'Linen Apron', features: ['adjustable strap'] } };
const MODEL = 'amazon.nova-lite-v1:0';

interface Metric {
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  value: number;
  samples: number;
}

const readMetrics = async (): Promise<Metric[]> => {
  const r = await call(`${ctx.stack.url}/local/metrics`, {});
  expect(r.status).toBe(200);
  return r.body.metrics;
};

/** The total of one metric with exactly these dimensions (besides `service`), 0 when never emitted. */
const total = (list: Metric[], name: string, dims: Record<string, string> = {}) =>
  list.find((m) => m.name === name && JSON.stringify(m.dimensions) === JSON.stringify(sortKeys({ service: SERVICE_NAME, ...dims })))?.value ?? 0;

const sortKeys = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/**
 * What changed in the totals while `act` ran. The totals are polled until they stop moving for one
 * read, so metrics that arrive after the response (a function running in another thread) are seen too.
 */
async function during(act: () => Promise<void>): Promise<{ delta(name: string, dims?: Record<string, string>): number; after: Metric[] }> {
  const before = await readMetrics();
  await act();
  // A function's EMF lines reach the stack through its worker's stdout, a channel apart from its
  // answer: wait until they have arrived (every act here emits some) and the totals stay still.
  let after = await readMetrics();
  for (let i = 0, still = 0; i < 200 && still < 3; i++) {
    await new Promise((r) => setTimeout(r, 25));
    const again = await readMetrics();
    const arrived = JSON.stringify(again) !== JSON.stringify(before);
    still = arrived && JSON.stringify(again) === JSON.stringify(after) ? still + 1 : 0;
    after = again;
  }
  return { after, delta: (name, dims) => total(after, name, dims) - total(before, name, dims) };
}

describe('GET /local/metrics: the business metrics of generations, by feature and plan', () => {
  it('given a plus merchant, when a generation succeeds, then one success, its credit, tokens, cost and latency are counted under the catalogue names', async () => {
    const { api } = await ctx.paid('plus');
    const m = await during(async () => {
      expect((await api.post('/v1/generations', body)).status).toBe(201);
    });
    const byFeatureAndPlan = { feature: 'product_description', plan: 'plus' };
    expect(m.delta('GenerationSucceeded', byFeatureAndPlan)).toBe(1);
    expect(m.delta('GenerationSucceeded', { feature: 'product_description' })).toBe(1);
    expect(m.delta('GenerationSucceeded')).toBe(1);
    expect(m.delta('CreditsCharged', byFeatureAndPlan)).toBe(1);
    // The Converse fake answers 120 input and 80 output tokens per call.
    expect(m.delta('InputTokens', byFeatureAndPlan)).toBe(120);
    expect(m.delta('OutputTokens', byFeatureAndPlan)).toBe(80);
    const price = modelPrice(MODEL)!;
    expect(m.delta('ModelCostUsd', byFeatureAndPlan)).toBeCloseTo((120 / 1000) * price.inputPer1kTokens + (80 / 1000) * price.outputPer1kTokens, 12);
    expect(m.delta('ModelLatency', { feature: 'product_description' })).toBeGreaterThan(0);
    expect(m.delta('GenerationFailed')).toBe(0);
    expect(m.delta('CreditsRefunded')).toBe(0);
    // Every metric carries the unit the catalogue gives it.
    for (const metric of m.after) expect(metric.unit, metric.name).toBe(METRICS[metric.name as keyof typeof METRICS].unit);
  });

  it('given a free merchant with no credits left, when it generates, then a refusal with code INSUFFICIENT_CREDITS is counted by feature and by plan, and nothing is charged', async () => {
    const id = freshAccount();
    const api = await ctx.api(id);
    await api.get('/v1/credits');
    await spend(id, 25);
    const m = await during(async () => {
      expect((await api.post('/v1/generations', body)).status).toBe(402);
    });
    expect(m.delta('GenerationRefused', { feature: 'product_description', code: 'INSUFFICIENT_CREDITS' })).toBe(1);
    expect(m.delta('GenerationRefused', { plan: 'free', code: 'INSUFFICIENT_CREDITS' })).toBe(1);
    expect(m.delta('GenerationRefused')).toBe(1);
    expect(m.delta('GenerationSucceeded')).toBe(0);
    expect(m.delta('CreditsCharged')).toBe(0);
    expect(m.delta('InputTokens')).toBe(0);
  });

  it('given a merchant at its attempt limit, when it generates again, then a COOLDOWN_ACTIVE refusal and one cooldown started are counted', async () => {
    const api = await ctx.api(freshAccount());
    for (let i = 0; i < 2; i++) expect((await api.post('/v1/generations', body)).status).toBe(201);
    const m = await during(async () => {
      expect((await api.post('/v1/generations', body)).status).toBe(429);
    });
    expect(m.delta('GenerationRefused', { feature: 'product_description', code: 'COOLDOWN_ACTIVE' })).toBe(1);
    expect(m.delta('CooldownStarted')).toBe(1);
    expect(m.delta('GenerationSucceeded')).toBe(0);
    expect(m.delta('CreditsCharged')).toBe(0);
  });

  it('given Bedrock throttles every attempt, when a merchant generates, then one failure with reason throttled, its credit charged and refunded, are counted', async () => {
    const api = await ctx.api(freshAccount());
    converse.fake.script('throttle', 'throttle', 'throttle');
    const m = await during(async () => {
      const r = await api.post('/v1/generations', body);
      expect(r.status).toBe(502);
      expect(r.body.error.code).toBe('GENERATION_FAILED');
    });
    expect(m.delta('GenerationFailed', { feature: 'product_description', plan: 'free' })).toBe(1);
    expect(m.delta('GenerationFailed', { reason: 'throttled' })).toBe(1);
    expect(m.delta('GenerationFailed')).toBe(1);
    expect(m.delta('CreditsCharged', { feature: 'product_description', plan: 'free' })).toBe(1);
    expect(m.delta('CreditsRefunded', { feature: 'product_description', plan: 'free' })).toBe(1);
    expect(m.delta('CreditsRefunded', { reason: 'throttled' })).toBe(1);
    expect(m.delta('GenerationSucceeded')).toBe(0);
    expect(m.delta('GenerationRefused')).toBe(0);
  });

  it('given a webhook with a wrong signature, when it is delivered, then one WebhookRejected with reason signature is counted', async () => {
    const m = await during(async () => {
      const r = await call(`${ctx.stack.url}${WEBHOOK}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
        body: JSON.stringify({ id: 'evt_bad', type: 'account.created', createdAt: new Date().toISOString(), data: { accountId: 'acct_x' } }),
      });
      expect(r.status).toBe(401);
    });
    expect(m.delta('WebhookRejected', { reason: 'signature' })).toBe(1);
    expect(m.delta('WebhookRejected')).toBe(1);
  });

  it('answers the contract shape: name, unit, dimensions (service always) and value of every metric', async () => {
    const list = await readMetrics();
    expect(list.length).toBeGreaterThan(0);
    for (const m of list) {
      expect(Object.keys(METRICS)).toContain(m.name);
      expect(m).toMatchObject({ name: expect.any(String), unit: expect.any(String), value: expect.any(Number) });
      expect(m.dimensions.service).toBe(SERVICE_NAME);
    }
  });
});
