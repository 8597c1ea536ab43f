/**
 * Generate, regenerate, select, read. Refusals come in the contract's order (plan 403, references 404,
 * rate limit 429, credits 402); the attempt is counted and charged by one conditional write
 * (`attempt.ts`), so a refusal for credits is never counted; the charge precedes the model call, and any
 * failure after it is refunded before the 502 is returned, inside a time budget that ends before the
 * function's own timeout. The common case makes three DynamoDB requests and no read: the admission
 * write, the generation's PutItem, and the write that releases the charge's hold.
 */
import { FEATURES, PLANS, type FeatureId, type PlanId } from '../config.ts';
import { admitAttempt } from './attempt.ts';
import { autoTopUpAfterCharge, type AutoTopUpDeps } from './auto-top-up.ts';
import { ensureAccount, refund, releaseCharge } from './credits.ts';
import { afterChange } from './outbox.ts';
import { DomainError, GenerationFailed, IdempotencyConflict, ModelFailure, NotFound, PlanUpgradeRequired } from './errors.ts';
import { featureModule, type GenerationDeps, type Written } from './features.ts';
import type { GenerationRecord } from './generation-store.ts';
import { keyedId, newId } from './ids.ts';
import { availableOf } from './ports.ts';
import { rateView, withRate, type RateView } from './rate-limit.ts';
import { telemetryOf } from './telemetry.ts';
import { generationCostUsd, recordFailure } from './operator-usage.ts';
import { voiceFor } from './voice-check.ts';

/** The features that write copy, to which the brand voice applies. */
const TEXT_FEATURES = new Set<FeatureId>(['product_description', 'seo_meta', 'blog_post', 'website_design']);

export interface GenerateInput {
  accountId: string;
  feature: FeatureId;
  productId?: string | null;
  input: unknown;
  regeneratedFrom?: string | null;
  /** The request's `Idempotency-Key`: the generation id is derived from it, so a retry finds what it paid for. */
  idempotencyKey?: string;
}

export interface GenerationView {
  id: string;
  feature: FeatureId;
  productId: string | null;
  variants: Array<Record<string, unknown>>;
  selectedIndex: number | null;
  regeneratedFrom: string | null;
  jobId?: string;
  creditsCharged: number;
  credits: { available: number };
  createdAt: string;
  model: { id: string; calls: number; usage: GenerationRecord['usage'] };
}

function planAllows(feature: FeatureId, plan: keyof typeof PLANS): boolean {
  return (FEATURES[feature].plans as readonly string[]).includes(plan);
}

function upgradeMessage(feature: FeatureId): string {
  return `${FEATURES[feature].label} are available on paid plans. Upgrade to use them.`;
}

/** Reports a refusal (any 4xx before the model) to telemetry, with the plan once the account was read. */
export async function generate(deps: GenerationDeps, req: GenerateInput): Promise<{ generation: GenerationView; rate: RateView }> {
  const seen: { plan?: PlanId } = {};
  try {
    return await generateOnce(deps, req, seen);
  } catch (err) {
    if (err instanceof DomainError && err.status < 500) telemetryOf(deps).generationRefused({ feature: req.feature, plan: seen.plan, code: err.code });
    throw err;
  }
}

async function generateOnce(deps: GenerationDeps, req: GenerateInput, seen: { plan?: PlanId }): Promise<{ generation: GenerationView; rate: RateView }> {
  const feature = FEATURES[req.feature];
  const module = featureModule(req.feature);
  if (!module) throw new PlanUpgradeRequired(`${req.feature} is not available yet.`);
  const productId = req.productId ?? null;
  // With an Idempotency-Key the generation id is derived from it: a retry after the process died between
  // charging and answering finds the generation it paid for (or the charge it left behind) by that id.
  const generationId = req.idempotencyKey
    ? keyedId('gen', `${req.accountId}|${req.regeneratedFrom ?? ''}|${req.idempotencyKey}`)
    : newId('gen', deps.clock.now());
  if (req.idempotencyKey) {
    const replay = await resumeKeyed(deps, generationId, req);
    if (replay) return replay;
  }
  // The brand voice (one cached read, dynamo-voice-store.ts) of a text feature.
  const { input: modelInput, voice } = TEXT_FEATURES.has(req.feature) ? await voiceFor(deps.voices, req.accountId, req.feature, req.input as Record<string, unknown>) : { input: req.input, voice: undefined };
  let prepared: unknown;
  try {
    prepared = await module.prepare?.(deps, req.accountId, req.input, productId);
  } catch (err) {
    // References are checked before the attempt is admitted, but a plan refusal comes first: only
    // here, where a reference is refused, is the plan read to tell a 403 from the 404 (or 400).
    if (err instanceof DomainError) {
      seen.plan = (await ensureAccount(deps, req.accountId)).plan;
      if (!planAllows(req.feature, seen.plan)) throw new PlanUpgradeRequired(upgradeMessage(req.feature));
    }
    throw err;
  }

  const attempt = await admitAttempt(deps, {
    accountId: req.accountId,
    feature: req.feature,
    generationId,
    productId: productId ?? undefined,
    keyed: req.idempotencyKey !== undefined,
    upgradeMessage: upgradeMessage(req.feature),
    seen,
  });
  const charged = { account: attempt.account, split: attempt.split };
  const account = attempt.account;
  seen.plan = account.plan;
  const meta = { feature: req.feature, generationId, productId: productId ?? undefined, hold: true };

  const count = (PLANS[account.plan].capabilities.allVariants ? feature.variants : Math.max(1, feature.freeSelectableVariants)) as 1 | 2;
  let record: GenerationRecord;
  const modelStarted = performance.now();
  let modelMs = 0;
  try {
    const signal = AbortSignal.timeout(deps.modelTimeBudgetMs);
    const written = await module.generate(deps, { accountId: req.accountId, generationId, productId, input: modelInput, count, signal, prepared, voice });
    modelMs = performance.now() - modelStarted;
    if (written.variants.length !== count) throw new ModelFailure('invalid_output', `expected ${count} variants, got ${written.variants.length}`);
    record = generationRecord(deps, written, count, { id: generationId, accountId: req.accountId, feature: req.feature, productId, input: req.input, regeneratedFrom: req.regeneratedFrom ?? null, plan: account.plan });
    // The ledger block this admission completed, if any, rides on the generation's write.
    const alongside = deps.store.companionWrites?.(req.accountId, generationId);
    if (!(await deps.generations.putGeneration(record, { alongside, freshId: req.idempotencyKey === undefined }))) {
      // A retry with the same key and a slow original both ran; the original stored first. Ours is
      // refunded (once, on its hold) and the merchant gets the one generation that exists.
      await refund(deps, req.accountId, charged.split, { ...meta, reason: 'duplicate of a stored generation' });
      const stored = (await deps.generations.getGeneration(req.accountId, generationId))!;
      const now = (await deps.store.getAccount(req.accountId))!;
      return { generation: await toView(deps, stored, availableOf(now)), rate: attempt.rate };
    }
  } catch (err) {
    const reason = err instanceof ModelFailure ? `model ${err.kind}` : 'generation could not be completed';
    await refund(deps, req.accountId, charged.split, { ...meta, reason });
    await recordFailure(deps, { accountId: req.accountId, id: generationId, feature: req.feature, plan: account.plan, creditsCharged: feature.cost, createdAt: deps.clock.now().toISOString() });
    telemetryOf(deps).generationFailed({ feature: req.feature, plan: account.plan, credits: feature.cost, reason: err instanceof ModelFailure ? err.kind : 'internal', modelMs: modelMs || performance.now() - modelStarted });
    const failure = new GenerationFailed(
      feature.cost,
      err instanceof ModelFailure && err.kind === 'throttled'
        ? `The AI model is busy right now. Your ${feature.cost} credit${feature.cost === 1 ? ' was' : 's were'} refunded; please try again in a moment.`
        : `The AI model did not produce a usable result. Your ${feature.cost} credit${feature.cost === 1 ? ' was' : 's were'} refunded.`,
    );
    (failure as { cause?: unknown }).cause = err;
    throw withRate(failure, attempt.rate);
  }

  // The generation is stored: the charge stands. (Had this process stalled past the hold timeout, a
  // reader has refunded it already and the merchant keeps this one for free.)
  await releaseCharge(deps, req.accountId, generationId);
  telemetryOf(deps).generationSucceeded({ feature: req.feature, plan: account.plan, credits: feature.cost, modelId: record.modelId, modelCalls: record.modelCalls, usage: record.usage, modelMs });
  // Balance alerts the charge calls for, and the relay of the outbox the admission answered (best effort:
  // neither may fail a paid-for generation; what is left is picked up by the next writer or the job).
  await afterChange(deps, charged.account);
  // Auto top-up, on the state the charge left (known only to a store built with its attributes: the
  // charging functions'). Best effort too: the state is on the balance item, so the next charge decides again.
  // (Those functions compose the top-up store too: `deps.topUps` is there whenever `autoTopUp` is.)
  if (charged.account.autoTopUp) await autoTopUpAfterCharge(deps as GenerationDeps & AutoTopUpDeps, charged.account).catch(() => undefined);
  return { generation: await toView(deps, record, availableOf(charged.account)), rate: attempt.rate };
}

/** The record of what the model wrote for a generation (a single one, or a bulk job's item with `jobId`). */
export function generationRecord(
  deps: Pick<GenerationDeps, 'clock'>,
  written: Written,
  count: number,
  g: Pick<GenerationRecord, 'id' | 'accountId' | 'feature' | 'productId' | 'input' | 'regeneratedFrom' | 'plan' | 'jobId'>,
): GenerationRecord {
  const feature = FEATURES[g.feature];
  return {
    ...g,
    variants: written.variants,
    locked: feature.variants - count,
    selectedIndex: null,
    creditsCharged: feature.cost,
    createdAt: deps.clock.now().toISOString(),
    modelId: written.modelId,
    usage: written.usage,
    modelCalls: written.calls,
    costUsd: generationCostUsd(written.modelId, written.usage, written.calls),
  };
}

export async function regenerate(deps: GenerationDeps, accountId: string, id: string, idempotencyKey?: string) {
  const original = await deps.generations.getGeneration(accountId, id);
  if (!original) throw new NotFound(`Generation ${id} was not found.`);
  return generate(deps, { accountId, feature: original.feature, productId: original.productId, input: original.input, regeneratedFrom: id, idempotencyKey });
}

const sameRequest = (g: GenerationRecord, req: GenerateInput): boolean =>
  g.feature === req.feature && (g.productId ?? null) === (req.productId ?? null) && JSON.stringify(g.input) === JSON.stringify(req.input);

/**
 * A keyed request whose generation id is already known to the account: the answer of an earlier attempt
 * was lost (its process died after charging). If the generation was stored, its charge stands (the hold
 * is released if still there) and it is answered again, uncharged and uncounted. If only the charge is
 * there, the admission write finds its hold and refunds it once (guarded on the hold) before charging anew.
 */
async function resumeKeyed(deps: GenerationDeps, generationId: string, req: GenerateInput): Promise<{ generation: GenerationView; rate: RateView } | undefined> {
  const stored = await deps.generations.getGeneration(req.accountId, generationId);
  if (!stored) return undefined;
  if (!sameRequest(stored, req)) throw new IdempotencyConflict('This Idempotency-Key was already used with a different request body.');
  let account = await ensureAccount(deps, req.accountId);
  if (account.holds.some((h) => h.generationId === generationId)) {
    await releaseCharge(deps, req.accountId, generationId);
    account = (await deps.store.getAccount(req.accountId)) ?? account;
  }
  const view = await toView(deps, stored, availableOf(account));
  return { generation: view, rate: rateView(account.rate, deps.rateLimit, deps.clock.now()) };
}

export async function getGeneration(deps: GenerationDeps, accountId: string, id: string): Promise<GenerationView> {
  const g = await deps.generations.getGeneration(accountId, id);
  if (!g) throw new NotFound(`Generation ${id} was not found.`);
  const account = await ensureAccount(deps, accountId);
  return toView(deps, g, availableOf(account));
}

/** Stores the chosen variant as the product's (or store's) content. Free of charge. */
export async function select(deps: GenerationDeps, accountId: string, id: string, index: number): Promise<GenerationView> {
  const g = await deps.generations.getGeneration(accountId, id);
  if (!g) throw new NotFound(`Generation ${id} was not found.`);
  if (index >= g.variants.length + g.locked) throw new NotFound(`Generation ${id} has no variant ${index}.`);
  if (index >= g.variants.length) throw new PlanUpgradeRequired('This variant is locked on the free plan. Upgrade to unlock it.');
  const at = deps.clock.now().toISOString();
  await featureModule(g.feature)!.select(deps, g, g.variants[index], at);
  await deps.generations.setSelected(accountId, id, index);
  const account = await ensureAccount(deps, accountId);
  return toView(deps, { ...g, selectedIndex: index }, availableOf(account));
}

export async function productContent(deps: GenerationDeps, accountId: string, productId: string) {
  const p = await deps.generations.getProduct(accountId, productId);
  // The image module presigns a fresh URL for the stored key, as it does for a generation's variants.
  const shown = p?.image ? await featureModule('image_enhancement')?.view?.(deps, { ...p.image, operations: [] }) : undefined;
  return {
    productId,
    description: p?.description ?? null,
    seo: p?.seo ?? null,
    image: p?.image ? { imageUrl: (shown?.imageUrl as string | undefined) ?? null, width: p.image.width, height: p.image.height, generationId: p.image.generationId } : null,
    updatedAt: p?.updatedAt ?? null,
  };
}

async function toView(deps: GenerationDeps, g: GenerationRecord, available: number): Promise<GenerationView> {
  const module = featureModule(g.feature);
  const shown: Array<Record<string, unknown>> = await Promise.all(
    g.variants.map(async (v, index) => ({ index, ...(module?.view ? await module.view(deps, v, g) : (v as Record<string, unknown>)) })),
  );
  for (let i = 0; i < g.locked; i++) shown.push({ index: g.variants.length + i, locked: true });
  return {
    id: g.id,
    feature: g.feature,
    productId: g.productId,
    variants: shown,
    selectedIndex: g.selectedIndex,
    regeneratedFrom: g.regeneratedFrom,
    ...(g.jobId ? { jobId: g.jobId } : {}),
    creditsCharged: g.creditsCharged,
    credits: { available },
    createdAt: g.createdAt,
    model: { id: g.modelId, calls: g.modelCalls, usage: g.usage },
  };
}
