/**
 * The generation use case (`generate` in functions/core/generations.ts) without HTTP: the real stores on
 * dynalite, a model that counts its calls and fails on demand, and a telemetry that records what it is
 * told. Each test states one rule of the contract: the refusal order (plan 403, rate 429, credits 402),
 * the rate slot given back on a 402, what a free plan sees, and a failed model costing nothing.
 */
import { describe, expect, it } from 'vitest';
import type { FeatureId } from '../../functions/config.ts';
import { applyPlan, charge, ensureAccount } from '../../functions/core/credits.ts';
import { DomainError, ModelFailure } from '../../functions/core/errors.ts';
import { generate } from '../../functions/core/generations.ts';
import { newId } from '../../functions/core/ids.ts';
import type { TextModel } from '../../functions/core/model.ts';
import { availableOf } from '../../functions/core/ports.ts';
import { currentRate } from '../../functions/core/rate-limit.ts';
import type { Telemetry } from '../../functions/core/telemetry.ts';
import type { Deps } from '../../lib/local/deps.ts';
import { useCore } from '../support/core.ts';

const MAX_ATTEMPTS = 3;
const ctx = useCore({ RATE_LIMIT_MAX_ATTEMPTS: String(MAX_ATTEMPTS) });

const describeInput = { name: 'Walnut Desk Organizer', features: ['solid walnut'] };
const blogInput = { topic: 'Caring for walnut', keywords: ['walnut'], tone: 'friendly', length: 'short' };

/** The deps of the stack with a counting (and, on demand, failing) model and a recording telemetry. */
function harness() {
  const events: Array<[keyof Telemetry, object?]> = [];
  const model = { calls: 0, fail: undefined as ModelFailure | undefined };
  const real = ctx.deps.model;
  const counting: TextModel = {
    generate: (request, options) => {
      model.calls++;
      return model.fail ? Promise.reject(model.fail) : real.generate(request, options);
    },
  };
  const telemetry: Telemetry = {
    generationSucceeded: (f) => void events.push(['generationSucceeded', f]),
    generationRefused: (f) => void events.push(['generationRefused', f]),
    generationFailed: (f) => void events.push(['generationFailed', f]),
    cooldownStarted: () => void events.push(['cooldownStarted']),
  };
  // The stack's composed deps stay the prototype: every other port is the real one.
  const deps = Object.create(ctx.deps, { model: { value: counting }, telemetry: { value: telemetry } }) as Deps;
  return { deps, model, events };
}

async function account(deps: Deps, plan: 'free' | 'plus', credits?: number): Promise<string> {
  const id = newId('acct');
  await ensureAccount(deps, id);
  if (plan !== 'free') await applyPlan(deps, id, plan, new Date().toISOString());
  const a = (await deps.store.getAccount(id))!;
  const spend = availableOf(a) - (credits ?? availableOf(a));
  if (spend > 0) await charge(deps, a, spend, { feature: 'product_description', generationId: newId('gen') });
  return id;
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
};

const run = (deps: Deps, accountId: string, feature: FeatureId, input: unknown) => generate(deps, { accountId, feature, productId: feature === 'blog_post' ? null : 'prod_1', input });

describe('generate: the refusal order', () => {
  it('given a free account with no credits in a cooldown, when it asks for a paid-only feature, then 403 PLAN_UPGRADE_REQUIRED comes first, and nothing is counted or charged', async () => {
    const { deps, model, events } = harness();
    const id = await account(deps, 'free');
    for (let i = 0; i <= MAX_ATTEMPTS; i++) await codeOf(run(deps, id, 'product_description', describeInput));
    expect((await currentRate(deps, id)).cooldownUntil).not.toBeNull();
    const calls = model.calls;
    expect(await codeOf(run(deps, id, 'blog_post', blogInput))).toBe('PLAN_UPGRADE_REQUIRED');
    expect(model.calls).toBe(calls);
    expect(events.at(-1)).toEqual(['generationRefused', { feature: 'blog_post', plan: 'free', code: 'PLAN_UPGRADE_REQUIRED' }]);
  });

  it('given a paid account with no credits in a cooldown, then 429 COOLDOWN_ACTIVE comes before 402', async () => {
    const { deps } = harness();
    const id = await account(deps, 'plus', MAX_ATTEMPTS);
    for (let i = 0; i < MAX_ATTEMPTS; i++) expect(await codeOf(run(deps, id, 'product_description', describeInput))).toBe('ok');
    expect(availableOf((await deps.store.getAccount(id))!)).toBe(0);
    expect(await codeOf(run(deps, id, 'product_description', describeInput))).toBe('COOLDOWN_ACTIVE');
  });

  it('given a paid account with no credits and attempts left, then 402 INSUFFICIENT_CREDITS, the attempt is given back, and the model is never called', async () => {
    const { deps, model } = harness();
    const id = await account(deps, 'plus', 0);
    const before = await currentRate(deps, id);
    expect(await codeOf(run(deps, id, 'product_description', describeInput))).toBe('INSUFFICIENT_CREDITS');
    expect((await currentRate(deps, id)).remaining).toBe(before.remaining);
    expect(model.calls).toBe(0);
  });
});

describe('generate: what is charged and shown', () => {
  it('given a free account, when it generates a description, then one credit is charged, one variant is shown and the other is locked', async () => {
    const { deps, events } = harness();
    const id = await account(deps, 'free');
    const { generation } = await run(deps, id, 'product_description', describeInput);
    // The locked one is a placeholder: the model wrote only the variant the plan shows.
    expect(generation.variants).toHaveLength(2);
    expect(generation.variants[0]).not.toHaveProperty('locked');
    expect(generation.variants[1]).toEqual({ index: 1, locked: true });
    expect(generation.creditsCharged).toBe(1);
    expect(generation.credits.available).toBe(24);
    expect(events.find(([e]) => e === 'generationSucceeded')?.[1]).toMatchObject({ feature: 'product_description', plan: 'free', credits: 1 });
  });

  it('given a paid account, when it generates a description, then both variants are shown', async () => {
    const { deps } = harness();
    const id = await account(deps, 'plus');
    const { generation } = await run(deps, id, 'product_description', describeInput);
    expect(generation.variants).toHaveLength(2);
    expect(generation.variants.filter((v) => v.locked)).toEqual([]);
  });

  it('given a model that is throttled, when a paid account generates, then 502 GENERATION_FAILED, the credit is refunded, the attempt stays counted, and the failure is reported with its reason', async () => {
    const { deps, model, events } = harness();
    const id = await account(deps, 'plus');
    const before = await currentRate(deps, id);
    model.fail = new ModelFailure('throttled', 'throttled in the test');
    expect(await codeOf(run(deps, id, 'product_description', describeInput))).toBe('GENERATION_FAILED');
    expect(availableOf((await deps.store.getAccount(id))!)).toBe(100);
    expect((await currentRate(deps, id)).remaining).toBe(before.remaining - 1);
    expect(events.find(([e]) => e === 'generationFailed')?.[1]).toMatchObject({ feature: 'product_description', plan: 'plus', credits: 1, reason: 'throttled' });
  });
});
