/**
 * Bulk generation over the catalog: a job of up to 500 items of one feature, run in the background.
 *
 * Money. The credits of every item not skipped are taken at creation by ONE conditional write, the same
 * admission a single generation makes (`attempt.ts`: plan, one rate-limit attempt and the charge, with a
 * hold named by the job id, so a process that dies before the job is stored is refunded by the next reader
 * after 120 s). Once the job and its items are stored and queued, one write turns that hold into a *job
 * hold* (`jh_<jobId>` with what the charge took from each bucket, `jr_<jobId>` the credits refunded from it
 * so far), which no sweeper refunds. The ledger has one `charge` entry naming the job; it sums to the
 * balance all along, as the credits left the balance at creation. A succeeded item costs nothing more. Items
 * that fail, and items canceled before they started, are given back by refunds that move `jr` forward to
 * "credits owed back" = cost × (failed + canceled), each guarded on the `jr` it read: the outcome sets on
 * the job item are idempotent (a redelivered item adds its index again, no count moves), so a refund
 * decided twice lands once, and nothing refunds more than the job was charged. The write that ends the job
 * makes the last catch-up and removes the hold.
 *
 * Items. Each item is its own record and its own queue message. An item moves pending → running →
 * succeeded | failed with conditional writes; its generation id is derived from the job and index, so a
 * worker that died mid-item and is redelivered (visibility timeout) stores at most one generation. A
 * canceled job's pending items move to canceled; a running item finishes, and the job ends `canceled`.
 */
import { FEATURES, LIMITS, PLANS, type FeatureId, type PlanId } from '../config.ts';
import { admitAttempt } from './attempt.ts';
import { afterChange, type RelayDeps } from './outbox.ts';
import { outboundEvent, type OutboundEvent } from './outbound.ts';
import { autoTopUpAfterCharge, type AutoTopUpDeps } from './auto-top-up.ts';
import { ensureAccount, refund, type ChargeSplit, type CreditsDeps } from './credits.ts';
import { ModelFailure, NotFound, PlanUpgradeRequired, ValidationFailed } from './errors.ts';
import { featureModule, type GenerationDeps } from './features.ts';
import type { GenerationStore } from './generation-store.ts';
import { derivedId, keyedId, newId } from './ids.ts';
import type { ItemOutcome, JobItem, JobRecord, JobStore } from './job-store.ts';
import type { AccountState, JobHold } from './ports.ts';
import type { RateLimitDeps, RateView } from './rate-limit.ts';
import { rateView } from './rate-limit.ts';
import type { ProductInput } from './schemas.ts';
import { telemetryOf, type TelemetryDeps } from './telemetry.ts';
import { recordFailure } from './operator-usage.ts';
import type { VoiceStore } from './brand-voice.ts';
import { voiceFor } from './voice-check.ts';
import { generationRecord } from './generations.ts';

export type JobFeature = Extract<FeatureId, 'product_description' | 'seo_meta'>;

/** A message of the `generation-jobs` queue: one item. */
export interface ItemMessage {
  a: string;
  j: string;
  i: number;
  /** Throttled attempts so far (the backoff doubles with each). */
  t?: number;
}

/** The queue the items go through (SQS in AWS, the local stack's queue locally). */
export interface JobQueue {
  send(messages: ReadonlyArray<{ id: string; body: string; delaySeconds?: number }>): Promise<void>;
}

export interface JobDeps extends CreditsDeps, TelemetryDeps {
  jobs: JobStore;
}

export interface CreateJobInput {
  accountId: string;
  feature: JobFeature;
  items: Array<{ productId: string; input: ProductInput }>;
  skipExisting?: boolean;
  autoSelect?: 0 | 1 | null;
  idempotencyKey?: string;
}

export interface JobView {
  id: string;
  feature: JobFeature;
  status: 'queued' | 'running' | 'completed' | 'canceled';
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  canceled: number;
  /** Credits spent on succeeded items. */
  creditsCharged: number;
  /** Credits given back for failed and canceled items. */
  creditsRefunded: number;
  /** Credits still held for items not finished (charged at creation; charged + refunded + held = the creation charge). */
  creditsHeld: number;
  autoSelect: 0 | 1 | null;
  createdAt: string;
  completedAt: string | null;
}

const costOf = (job: Pick<JobRecord, 'feature'>): number => FEATURES[job.feature].cost;
const finished = (job: JobRecord): number => job.succeeded.length + job.failed.length + job.canceled.length;
const allDone = (job: JobRecord): boolean => finished(job) >= job.total - job.skipped;

export function jobView(job: JobRecord): JobView {
  const cost = costOf(job);
  const charged = job.succeeded.length * cost;
  const refunded = (job.failed.length + job.canceled.length) * cost;
  return {
    id: job.id,
    feature: job.feature as JobFeature,
    status: job.completedAt ? (job.canceledAt ? 'canceled' : 'completed') : finished(job) > 0 || job.canceledAt ? 'running' : 'queued',
    total: job.total,
    succeeded: job.succeeded.length,
    failed: job.failed.length,
    skipped: job.skipped,
    canceled: job.canceled.length,
    creditsCharged: charged,
    creditsRefunded: refunded,
    creditsHeld: Math.max(0, job.credits - charged - refunded),
    autoSelect: job.autoSelect,
    createdAt: job.createdAt,
    completedAt: job.completedAt ?? null,
  };
}

const upgradeMessage = (feature: FeatureId): string => `${FEATURES[feature].label} are available on paid plans. Upgrade to use them.`;
const hasContent = (feature: JobFeature, p: { description: string | null; seo: unknown } | undefined): boolean =>
  feature === 'product_description' ? !!p?.description : !!p?.seo;
const messageOf = (accountId: string, jobId: string, index: number, t = 0): { id: string; body: string; delaySeconds?: number } => ({
  id: `i${index}`,
  body: JSON.stringify({ a: accountId, j: jobId, i: index, ...(t ? { t } : {}) } satisfies ItemMessage),
});

/**
 * `POST /v1/generation-jobs`. Refusals in the contract's order: 400 (a repeated product id, naming the
 * item), 403 (the plan), then 429 and 402 from the admission write, which is the only write before them:
 * a refused job creates nothing and changes no balance.
 */
export async function createJob(
  deps: JobDeps & RateLimitDeps & { jobQueue: JobQueue },
  req: CreateJobInput,
): Promise<{ job: JobView; rate: RateView | null }> {
  const seen = new Map<string, number>();
  req.items.forEach((item, i) => {
    const first = seen.get(item.productId);
    if (first !== undefined) throw new ValidationFailed([{ path: `items.${i}.productId`, message: `repeats the productId of items.${first}` }]);
    seen.set(item.productId, i);
  });
  const autoSelect = req.autoSelect ?? null;
  const jobId = req.idempotencyKey ? keyedId('job', `${req.accountId}|${req.idempotencyKey}`) : newId('job', deps.clock.now());
  if (req.idempotencyKey) {
    const stored = await deps.jobs.getJob(req.accountId, jobId);
    if (stored) return { job: jobView(await resumeCreated(deps, stored)), rate: null };
  }
  // The plan decides before anything is counted: seo_meta and a second variant are paid features.
  const plans = FEATURES[req.feature].plans as readonly PlanId[];
  let plan: PlanId | undefined;
  if (autoSelect === 1 || !plans.includes('free')) {
    plan = (await ensureAccount(deps, req.accountId)).plan;
    if (!plans.includes(plan)) throw new PlanUpgradeRequired(upgradeMessage(req.feature));
    if (autoSelect === 1 && !PLANS[plan].capabilities.allVariants) throw new PlanUpgradeRequired('The free plan has one selectable variant per item: autoSelect 1 needs a paid plan.');
  }

  const existing = req.skipExisting ? await deps.jobs.getProducts(req.accountId, req.items.map((x) => x.productId)) : [];
  const byId = new Map(existing.map((p) => [p.productId, p]));
  const skip = req.items.map((x) => req.skipExisting === true && hasContent(req.feature, byId.get(x.productId)));
  const runs = skip.filter((x) => !x).length;
  const cost = runs * FEATURES[req.feature].cost;
  const now = deps.clock.now();

  let rate: RateView | null = null;
  let charged: AccountState | undefined;
  if (runs > 0) {
    // One attempt of the rate limit and the whole charge, held under the job's id until the job is stored.
    const attempt = await admitAttempt(deps, { accountId: req.accountId, feature: req.feature, generationId: jobId, keyed: req.idempotencyKey !== undefined, upgradeMessage: upgradeMessage(req.feature), cost });
    plan = attempt.account.plan;
    rate = attempt.rate;
    charged = attempt.account;
  } else {
    const account = await ensureAccount(deps, req.accountId);
    plan = account.plan;
    if (!plans.includes(plan)) throw new PlanUpgradeRequired(upgradeMessage(req.feature));
    rate = rateView(account.rate, deps.rateLimit, now);
  }
  const job: JobRecord = {
    id: jobId,
    accountId: req.accountId,
    feature: req.feature,
    plan: plan!,
    autoSelect,
    total: req.items.length,
    skipped: req.items.length - runs,
    credits: cost,
    createdAt: now.toISOString(),
    ...(runs === 0 ? { completedAt: now.toISOString() } : {}),
    succeeded: [],
    failed: [],
    canceled: [],
  };
  const items: JobItem[] = req.items.map((x, index) => ({ jobId, index, productId: x.productId, input: x.input, status: skip[index] ? 'skipped' : 'pending' }));
  if (!(await deps.jobs.createJob(job, items))) {
    // A keyed retry raced the first attempt and lost: the stored job is the answer (our charge goes back).
    const stored = (await deps.jobs.getJob(req.accountId, jobId))!;
    return { job: jobView(await resumeCreated(deps, stored)), rate };
  }
  if (runs === 0) {
    await notifyCompleted(deps, job, job.completedAt!);
    return { job: jobView(job), rate };
  }
  await sendAll(deps.jobQueue, items.filter((x) => x.status === 'pending').map((x) => messageOf(req.accountId, jobId, x.index)));
  await confirmHold(deps, job);
  // Only once the job's hold is confirmed (the sweeper would refund the admission's hold after 120 s):
  // the balance alerts the charge calls for and the outbox relay (best effort: neither may fail a job
  // that is paid for; what is left is picked up by the next writer or the hourly job), and the auto
  // top-up the charge may call for, as a single charge does (`autoTopUp` is read only by the store with
  // its attributes, composed with the top-up store).
  await afterChange(deps, charged!);
  if (charged!.autoTopUp) await autoTopUpAfterCharge(deps as unknown as AutoTopUpDeps, charged!).catch(() => undefined);
  return { job: jobView(job), rate };
}

/** Sends the messages in four streams of SendMessageBatch (ten a request): 500 items are 50 requests. */
async function sendAll(queue: JobQueue, messages: ReturnType<typeof messageOf>[]): Promise<void> {
  const lanes = Array.from({ length: 4 }, (_, lane) => messages.filter((_, i) => Math.floor(i / 10) % 4 === lane));
  await Promise.all(lanes.filter((l) => l.length).map((l) => queue.send(l)));
}

/**
 * The stored job's charge becomes its job hold: one write that removes the admission's hold and records
 * the job hold, guarded on the admission's hold (so it happens once, by the creating request or the first
 * worker to settle an item). If the hold is gone unconfirmed, a reader refunded it as abandoned (the
 * creator died, or stalled past 120 s, before the job hold was written): the job then runs free of
 * charge, and with no job hold nothing of it is ever refunded again.
 */
async function confirmHold(deps: JobDeps, job: JobRecord, known?: AccountState | null): Promise<AccountState | null> {
  const account = known ?? (await deps.store.getAccount(job.accountId));
  const hold = account?.holds.find((h) => h.generationId === job.id);
  if (!hold) return account;
  const r = await deps.store.apply(job.accountId, {
    entries: [],
    guard: { holdExists: job.id },
    releaseHold: job.id,
    holdJob: { jobId: job.id, allowance: hold.allowance, purchased: hold.purchased, ...(hold.sources ? { sources: hold.sources } : {}), epoch: hold.epoch, credits: job.credits },
  });
  // Lost: the creator (or a worker) confirmed it first, or a reader refunded it as abandoned.
  return r.ok ? r.account : deps.store.getAccount(job.accountId);
}

/** A keyed request whose job is stored: its answer was lost. Finish what the first attempt left undone, answer the job. */
async function resumeCreated(deps: JobDeps & { jobQueue: JobQueue }, job: JobRecord): Promise<JobRecord> {
  const account = await ensureAccount(deps, job.accountId);
  if (account.holds.some((h) => h.generationId === job.id)) {
    // Died after storing the job, before its items were queued for sure: queue the pending ones (the
    // worker ignores an item that is not pending or running, so a message sent twice does nothing twice).
    const pending: number[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await deps.jobs.listItems(job.accountId, job.id, 100, cursor);
      pending.push(...page.items.filter((x) => x.status === 'pending' || x.status === 'running').map((x) => x.index));
      cursor = page.nextCursor ?? undefined;
    }
    await sendAll(deps.jobQueue, pending.map((i) => messageOf(job.accountId, job.id, i)));
    await confirmHold(deps, job);
  }
  return job;
}

export async function getJob(deps: Pick<JobDeps, 'jobs'>, accountId: string, jobId: string): Promise<JobView> {
  const job = await deps.jobs.getJob(accountId, jobId);
  if (!job) throw new NotFound(`Job ${jobId} was not found.`);
  return jobView(job);
}

export async function listJobItems(deps: Pick<JobDeps, 'jobs'>, accountId: string, jobId: string, limit: number, cursor?: string) {
  const job = await deps.jobs.getJob(accountId, jobId);
  if (!job) throw new NotFound(`Job ${jobId} was not found.`);
  const page = await deps.jobs.listItems(accountId, jobId, limit, cursor);
  return {
    items: page.items.map((x) => ({ index: x.index, productId: x.productId, status: x.status === 'running' ? ('pending' as const) : x.status, ...(x.generationId ? { generationId: x.generationId } : {}) })),
    nextCursor: page.nextCursor,
  };
}

export async function listJobs(deps: Pick<JobDeps, 'jobs'>, accountId: string, limit: number, cursor?: string) {
  const page = await deps.jobs.listJobs(accountId, limit, cursor);
  return { items: page.items.map(jobView), nextCursor: page.nextCursor };
}

/**
 * `POST /v1/generation-jobs/{id}/cancel`: the job is marked canceled, its pending items move to canceled
 * (each a conditional write, so an item a worker started first keeps running), and the credits of every
 * canceled item go back in one write on the balance item. The job ends `canceled` once no item runs.
 * Repeating it (or finishing a cancel whose process died) cancels nothing twice and refunds nothing twice.
 */
export async function cancelJob(deps: JobDeps, accountId: string, jobId: string): Promise<JobView> {
  let job = await deps.jobs.getJob(accountId, jobId);
  if (!job) throw new NotFound(`Job ${jobId} was not found.`);
  if (job.completedAt) return jobView(job);
  job = await deps.jobs.markCanceled(accountId, jobId, deps.clock.now().toISOString());
  const canceled: number[] = [];
  const pending: number[] = [];
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await deps.jobs.listItems(accountId, jobId, 100, cursor);
    for (const x of page.items) {
      if (x.status === 'canceled') canceled.push(x.index);
      if (x.status === 'pending') pending.push(x.index);
    }
    cursor = page.nextCursor ?? undefined;
  }
  await inBatches(pending, 25, async (i) => {
    if (await deps.jobs.moveItem(accountId, jobId, i, 'pending', 'canceled')) canceled.push(i);
  });
  if (canceled.length) job = await deps.jobs.recordOutcome(accountId, jobId, 'canceled', canceled);
  return jobView(await settle(deps, job));
}

/** Runs `fn` over `xs`, `width` at a time. */
async function inBatches<T>(xs: readonly T[], width: number, fn: (x: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < xs.length; i += width) await Promise.all(xs.slice(i, i + width).map(fn));
}

/**
 * Gives back what the job owes (cost × failed and canceled items) beyond what it already gave back, and
 * once every item has ended, ends the job: the last refund removes the job hold, then `completedAt` is
 * set once and the notification written (its id derives from the job and `completedAt`, so a repeat
 * writes the same one).
 */
export async function settle(deps: JobDeps, start: JobRecord): Promise<JobRecord> {
  let job = start;
  const end = allDone(job);
  await refundOwed(deps, job, end);
  if (!end) return job;
  if (!job.completedAt) {
    const at = deps.clock.now().toISOString();
    await deps.jobs.markCompleted(job.accountId, job.id, at);
    job = (await deps.jobs.getJob(job.accountId, job.id))!;
  }
  await notifyCompleted(deps, job, job.completedAt!);
  return job;
}

async function notifyCompleted(deps: JobDeps, job: JobRecord, at: string): Promise<void> {
  const v = jobView(job);
  await deps.notifications.add(job.accountId, {
    id: derivedId('ntf', new Date(at), `job|${job.id}`),
    type: 'generation_job_completed',
    message:
      v.status === 'canceled'
        ? `Your bulk ${FEATURES[job.feature].label.toLowerCase()} job was canceled: ${v.succeeded} generated, ${v.canceled} canceled, ${v.failed} failed (refunded).`
        : `Your bulk ${FEATURES[job.feature].label.toLowerCase()} job is done: ${v.succeeded} generated, ${v.skipped} skipped, ${v.failed} failed (refunded).`,
    createdAt: at,
  });
}

const MAX_RACES = 64;

/** `generation_job.completed`: the job's final counts, as `GET /v1/generation-jobs/{id}` shows them once it ended. */
function completedEvent(deps: JobDeps, job: JobRecord): OutboundEvent {
  const v = jobView(job);
  return outboundEvent(deps.clock.now(), 'generation_job.completed', job.accountId, {
    jobId: job.id,
    feature: job.feature,
    status: job.canceledAt ? 'canceled' : 'completed',
    total: v.total,
    succeeded: v.succeeded,
    skipped: v.skipped,
    failed: v.failed,
    canceled: v.canceled,
    creditsCharged: v.creditsCharged,
    creditsRefunded: v.creditsRefunded,
  });
}

async function refundOwed(deps: JobDeps, job: JobRecord, end: boolean): Promise<void> {
  const owed = (job.failed.length + job.canceled.length) * costOf(job);
  // Items may end before the creating request has turned its charge into the job hold (it queues the
  // items first): whoever gets here first does it, guarded on the admission's hold, so it happens once.
  let account = await confirmHold(deps, job);
  for (let race = 0; race < MAX_RACES; race++) {
    const hold = account?.jobHolds?.find((j) => j.jobId === job.id);
    if (!hold || (hold.refunded >= owed && !end)) return;
    const to = Math.min(hold.credits, Math.max(hold.refunded, owed));
    const n = to - hold.refunded;
    // The write that ends the job carries its `generation_job.completed` outbound event (the outbox on the
    // balance item): it is the one write that ends the job's money (guarded on the hold it removes), so
    // the event is recorded once, with the job's final counts.
    account = await refund(deps, job.accountId, { ...refundSlice(hold, hold.refunded, to), job: { jobId: job.id, from: hold.refunded, to, end } }, {
      feature: job.feature,
      generationId: job.id,
      reason: `${n} item${n === 1 ? '' : 's'} of the job failed or ${n === 1 ? 'was' : 'were'} canceled`,
      ...(end ? { events: [completedEvent(deps, job)] } : {}),
    });
    // Balance alerts the refund calls for (a recovery) and the relay of the outbox (best effort: the hourly job relays what is left).
    await afterChange(deps as JobDeps & RelayDeps, account);
  }
  throw new Error(`job refund on ${job.accountId} lost ${MAX_RACES} races`);
}

/**
 * The part of a job's charge its refunds `from`..`to` give back. Refunds take the charge's credits in
 * reverse burn-down order (purchased credits first, the allowance last), so each credit is given back
 * once, to where it came from.
 */
export function refundSlice(hold: JobHold, from: number, to: number): ChargeSplit {
  const segments: Array<{ kind: 'allowance' | 'purchased' | 'source'; id?: string; amount: number }> = [
    { kind: 'allowance', amount: hold.allowance },
    ...(hold.sources ?? []).map((x) => ({ kind: 'source' as const, id: x.id, amount: x.amount })),
    { kind: 'purchased', amount: hold.purchased },
  ];
  // Refund k takes position credits-1-k of the burn order: refunds from..to are positions [credits-to, credits-from).
  const lo = hold.credits - to;
  const hi = hold.credits - from;
  const split: ChargeSplit = { allowance: 0, purchased: 0, epoch: hold.epoch };
  let at = 0;
  for (const s of segments) {
    const take = Math.max(0, Math.min(hi, at + s.amount) - Math.max(lo, at));
    at += s.amount;
    if (!take) continue;
    if (s.kind === 'allowance') split.allowance += take;
    else if (s.kind === 'purchased') split.purchased += take;
    else (split.sources ??= []).push({ id: s.id!, amount: take });
  }
  return split;
}

export interface WorkerDeps extends JobDeps {
  generations: GenerationStore;
  jobQueue: JobQueue;
  model: GenerationDeps['model'];
  modelTimeBudgetMs: number;
  history?: GenerationDeps['history'];
  /** Brand voices: an item is written in the account's voice, as a single generation is. */
  voices: VoiceStore;
}

/** What became of a message: the item ended (or had), was sent again after a throttle, or failed (refunded) and why. */
export type ItemResult = { done: true } | { retryInSeconds: number } | { failed: string };
const DONE: ItemResult = { done: true };

/**
 * One item from the queue. Returns when the message is done with (the item ended, or it was throttled
 * and sent again with a delay); throws to have it redelivered after the visibility timeout. `receives`
 * is the message's receive count: an item whose worker died that often fails (refunded).
 */
export async function runItem(deps: WorkerDeps, msg: ItemMessage, receives: number, jobOf: (accountId: string, jobId: string) => Promise<JobRecord | null> = (a, j) => deps.jobs.getJob(a, j)): Promise<ItemResult> {
  const job = await jobOf(msg.a, msg.j);
  if (!job) return DONE;
  let fresh = false;
  let item = await deps.jobs.getItem(msg.a, msg.j, msg.i);
  if (!item) return DONE;
  if (item.status === 'pending' && job.canceledAt) {
    if (await deps.jobs.moveItem(msg.a, msg.j, msg.i, 'pending', 'canceled')) return outcome(deps, job, 'canceled', msg.i);
    item = (await deps.jobs.getItem(msg.a, msg.j, msg.i))!;
  }
  if (item.status === 'pending') {
    if (!(await deps.jobs.moveItem(msg.a, msg.j, msg.i, 'pending', 'running'))) item = (await deps.jobs.getItem(msg.a, msg.j, msg.i))!;
    else (item = { ...item, status: 'running' }), (fresh = true);
  }
  // An item that ended before (a redelivery after the outcome was written, maybe not yet counted): count it.
  if (item.status === 'succeeded' || item.status === 'failed' || item.status === 'canceled') return outcome(deps, job, item.status, msg.i);
  if (item.status !== 'running') return DONE;

  const feature = FEATURES[job.feature];
  const generationId = keyedId('gen', `${msg.a}|${msg.j}|${msg.i}`);
  if (receives > LIMITS.jobs.maxItemReceives) return fail(deps, job, item, generationId, 'the item did not finish in several attempts');
  // Only an item found running (its earlier delivery died or was throttled) may have stored its generation already.
  let record = fresh ? null : await deps.generations.getGeneration(msg.a, generationId);
  if (!record) {
    const count = (PLANS[job.plan].capabilities.allVariants ? feature.variants : Math.max(1, feature.freeSelectableVariants)) as 1 | 2;
    const module = featureModule(job.feature)!;
    const started = performance.now();
    try {
      // The brand voice as a single generation applies it (generations.ts): the item's own tone and language
      // win, the stored generation keeps the item's input, and the answer is checked against the voice.
      const { input, voice } = await voiceFor(deps.voices, msg.a, job.feature, item.input as Record<string, unknown>);
      const written = await module.generate(deps as unknown as GenerationDeps, { accountId: msg.a, generationId, productId: item.productId, input, count, signal: AbortSignal.timeout(deps.modelTimeBudgetMs), prepared: undefined, voice });
      if (written.variants.length !== count) throw new ModelFailure('invalid_output', `expected ${count} variants, got ${written.variants.length}`);
      record = generationRecord(deps, written, count, { id: generationId, accountId: msg.a, feature: job.feature, productId: item.productId, input: item.input, regeneratedFrom: null, plan: job.plan, jobId: job.id });
    } catch (err) {
      const tries = msg.t ?? 0;
      // Throttling is retried (the model is busy, not broken); so is a timeout a few times: under
      // throttling the SDK's adaptive rate limiter itself can hold a call past the time budget.
      const kind = err instanceof ModelFailure ? err.kind : undefined;
      if ((kind === 'throttled' && tries < LIMITS.jobs.throttleRetries) || (kind === 'timeout' && tries < LIMITS.jobs.timeoutRetries)) {
        // Not a failure: the item is pending again (a cancel meanwhile cancels it) and comes back after a
        // backoff (SQS delays at most 900 s). Sent before the message is acknowledged: a crash between
        // the two runs it twice, which the item's conditional moves absorb.
        const delay = Math.min(900, 5 * 2 ** tries);
        if (!(await deps.jobs.moveItem(msg.a, msg.j, msg.i, 'running', 'pending'))) return settled(deps, job, msg.i);
        await deps.jobQueue.send([{ ...messageOf(msg.a, msg.j, msg.i, tries + 1), delaySeconds: delay }]);
        return { retryInSeconds: delay };
      }
      telemetryOf(deps).generationFailed({ feature: job.feature, plan: job.plan, credits: feature.cost, reason: err instanceof ModelFailure ? err.kind : 'internal', modelMs: performance.now() - started });
      const why = err instanceof ModelFailure ? `model ${err.kind}` : err instanceof ValidationFailed ? 'the product quotes a word the brand voice avoids' : 'generation could not be completed';
      return fail(deps, job, item, generationId, why);
    }
    // Another delivery of this item may have stored it first: theirs is the one.
    if (!(await deps.generations.putGeneration(record))) record = (await deps.generations.getGeneration(msg.a, generationId))!;
    else telemetryOf(deps).generationSucceeded({ feature: job.feature, plan: job.plan, credits: feature.cost, modelId: record.modelId, modelCalls: record.modelCalls, usage: record.usage, modelMs: performance.now() - started });
  }
  if (job.autoSelect !== null && record.selectedIndex === null && job.autoSelect < record.variants.length) {
    const at = deps.clock.now().toISOString();
    await featureModule(job.feature)!.select(deps as unknown as GenerationDeps, record, record.variants[job.autoSelect], at);
    await deps.generations.setSelected(msg.a, generationId, job.autoSelect);
  }
  if (await deps.jobs.moveItem(msg.a, msg.j, msg.i, 'running', 'succeeded', generationId)) return outcome(deps, job, 'succeeded', msg.i);
  return settled(deps, job, msg.i);
}

/**
 * An item's move from `running` was refused: another delivery of its message (SQS delivers at least once)
 * ended it first. Only the item's stored status is counted, so an item is never both succeeded and failed
 * (which would refund a generation that stands, and end the job early).
 */
async function settled(deps: JobDeps, job: JobRecord, index: number): Promise<ItemResult> {
  const now = await deps.jobs.getItem(job.accountId, job.id, index);
  if (now && (now.status === 'succeeded' || now.status === 'failed' || now.status === 'canceled')) return outcome(deps, job, now.status, index);
  return DONE;
}

async function fail(deps: WorkerDeps, job: JobRecord, item: JobItem, generationId: string, reason: string): Promise<ItemResult> {
  if (!(await deps.jobs.moveItem(job.accountId, job.id, item.index, 'running', 'failed'))) return settled(deps, job, item.index);
  await recordFailure(deps, { accountId: job.accountId, id: generationId, feature: job.feature, plan: job.plan, creditsCharged: costOf(job), createdAt: deps.clock.now().toISOString() });
  await outcome(deps, job, 'failed', item.index);
  return { failed: reason };
}

/** Counts an item's outcome on the job (idempotent); a refund is owed for a failed or canceled one, and the last one ends the job. */
async function outcome(deps: JobDeps, job: JobRecord, what: ItemOutcome, index: number): Promise<ItemResult> {
  const after = await deps.jobs.recordOutcome(job.accountId, job.id, what, [index]);
  if (what !== 'succeeded' || allDone(after)) await settle(deps, after);
  return DONE;
}

