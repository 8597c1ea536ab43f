import { describe, expect, it } from 'vitest';
import { useFakeConverse, type ConverseStep } from '../support/fake-converse.ts';
import { freshAccount, useStack } from '../support/stack.ts';

const converse = useFakeConverse();

const ctx = useStack({
  env: {
    AI_PROVIDER: 'bedrock',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    MODEL_TIME_BUDGET_MS: '1500',
    RATE_LIMIT_MAX_ATTEMPTS: '1000',
  },
});

const body = { feature: 'product_description', productId: 'prod_f', input: { name: 'Cast Iron Skillet', features: ['pre-seasoned'] } };

describe('generation through Bedrock Converse (a local fake), every failure refunded', () => {
  it('given the model answers, when a paid merchant generates, then 201 with one model call and its token usage recorded', async () => {
    const { api } = await ctx.paid('plus');
    const r = await api.post('/v1/generations', body);
    expect(r.status).toBe(201);
    expect(r.body.variants).toHaveLength(2);
    expect(r.body.model.calls).toBe(1);
    expect(r.body.model.usage.inputTokens).toBeGreaterThan(0);
    expect(converse.fake.requests).toHaveLength(1);
    expect(r.body.credits.available).toBe(99);
  });

  const failures: Array<[string, ConverseStep[]]> = [
    ['throttled on every attempt', [{ kind: 'throttle' }, { kind: 'throttle' }, { kind: 'throttle' }]],
    ['a 5xx on every attempt', [{ kind: 'unavailable' }, { kind: 'unavailable' }, { kind: 'unavailable' }]],
    ['an internal error on every attempt', [{ kind: 'internal' }, { kind: 'internal' }, { kind: 'internal' }]],
    ['malformed tool output twice', [{ kind: 'malformed', how: 'wrong_shape' }, { kind: 'malformed', how: 'too_long' }]],
    ['a slow answer past the time budget', [{ kind: 'slow', delayMs: 5_000 }]],
  ];

  for (const [name, steps] of failures) {
    it(`given ${name}, when a merchant generates, then 502 GENERATION_FAILED, the credit is refunded and the ledger says so`, async () => {
      const api = await ctx.api(freshAccount());
      converse.fake.script(...steps);
      const r = await api.post('/v1/generations', body);
      expect(r.status).toBe(502);
      expect(r.body.error).toMatchObject({ code: 'GENERATION_FAILED', creditsRefunded: 1 });
      expect(r.headers.get('ratelimit-remaining')).toBe('999');
      const credits = (await api.get('/v1/credits')).body;
      expect(credits.credits.available).toBe(25);
      // A failed model call still counts as an attempt.
      expect(credits.rateLimit.remaining).toBe(999);
      const ledger = (await api.get('/v1/credits/ledger')).body.items;
      expect(ledger.map((e: { type: string; amount: number }) => [e.type, e.amount])).toEqual([
        ['refund', 1],
        ['charge', -1],
        ['grant', 25],
      ]);
      expect(ledger[0].generationId).toBe(ledger[1].generationId);
    });
  }
});
