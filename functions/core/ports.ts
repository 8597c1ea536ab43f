/**
 * Ports the credits core depends on. They speak the domain; `adapters/dynamo-store.ts` realises them
 * with single-item conditional writes on DynamoDB (dynalite locally).
 */
import type { FeatureId, PlanId } from '../config.ts';
import type { OutboundEvent } from './outbound.ts';

export type Bucket = 'allowance' | 'purchased' | 'grant';
export type LedgerType = 'grant' | 'reset' | 'refresh' | 'charge' | 'refund' | 'top_up' | 'adjust' | 'expire';
export type GrantCategory = 'promotional' | 'compensation';

/** What one entry took from (or gave back to) one source: a charge spanning several sources lists each. */
export interface SourcePart {
  bucket: Bucket;
  /** The grant or top-up id; absent for the allowance and the non-expiring purchased pool. */
  id?: string;
  amount: number;
}

/**
 * A grant, or a top-up that expires, kept on the balance item beside the two pools (so every charge,
 * refund and expiry stays one conditional write). Non-expiring purchased credits stay in `purchased`.
 */
export interface CreditSource {
  /** `grt_…` for a grant, the top-up id for a top-up. */
  id: string;
  bucket: 'grant' | 'purchased';
  /** Grants only. */
  category?: GrantCategory;
  /** What it was created with. */
  amount: number;
  remaining: number;
  expiresAt: string | null;
  createdAt: string;
}

/** A ledger entry as written by a change: the store assigns its sequence number. */
export interface NewLedgerEntry {
  id: string;
  at: string;
  type: LedgerType;
  amount: number;
  bucket: Bucket;
  feature?: FeatureId;
  generationId?: string;
  productId?: string;
  topUpId?: string;
  grantId?: string;
  reason?: string;
  /** A charge or refund: what it took from (gave back to) each source, in burn-down order. */
  sources?: SourcePart[];
}

export interface LedgerEntry extends NewLedgerEntry {
  seq: number;
  balanceAfter: number;
}

/** The balance item: the unit of atomicity of every credit change. */
export interface AccountState {
  accountId: string;
  plan: PlanId;
  /** The plan's monthly amount the allowance was last set to. */
  allowance: number;
  /**
   * Counts the times the allowance was set anew (plan change, refresh). A refund gives allowance back
   * only into the epoch it was taken from: allowance of a period since reset no longer exists.
   */
  allowanceEpoch: number;
  allowanceRemaining: number;
  purchased: number;
  periodAnchor: string;
  periodStart: string;
  periodEnd: string;
  createdAt: string;
  /** `createdAt` of the last subscription event applied (events older than it change nothing). */
  lastPlanEventAt?: string;
  /** periodStart of the period in which low_balance was last notified. */
  lowBalanceNotifiedFor?: string;
  /** Sequence number of the newest ledger entry. */
  seq: number;
  /** Ledger entries not yet flushed to their own items (the outbox), oldest first. */
  pending: LedgerEntry[];
  /** Charges whose generation has not finished yet; one left behind by a dead process is refunded. */
  holds: ChargeHold[];
  /** The rate-limit window of generation attempts, kept on this item so one write counts and charges. */
  rate: RateState | null;
  /** Grants and expiring top-ups, in no particular order (see `sources.ts` for the burn-down order). */
  sources: CreditSource[];
  /** Sum of the sources' `remaining`, kept by every write that moves one (the store's own count, exact at each write). */
  sourced: number;
  /** Bumped whenever a source is added or removed or its expiry noticed: decisions over the set of sources guard on it. */
  sourcesVersion: number;
  /** Sources whose `credits_expiring` notice was handled (sent, or skipped because the source was empty). */
  expiryNoticed: string[];
  /**
   * The auto top-up setting and its state, kept here so that deciding to top up is atomic with the
   * balance. Only a store built with the auto top-up attributes reads it (the functions that charge,
   * settle top-ups or serve the setting); elsewhere it is undefined, and their writes leave it as it is.
   */
  autoTopUp?: AutoTopUpState;
  /** Credits of bulk generation jobs still running (absent on states built before jobs existed: none). */
  jobHolds?: JobHold[];
  /** Balance alerts of the current alert period (absent: none yet, or written by an earlier version). */
  alerts?: AlertState;
  /** Outbound events recorded with the changes that emitted them and not yet relayed, oldest first. */
  outbox: OutboundEvent[];
}

/** What the merchant set (`PUT /v1/credits/auto-top-up`); disabled by the service after failures or a downgrade. */
export interface AutoTopUpSetting {
  enabled: boolean;
  packId?: string;
  thresholdCredits?: number;
  monthlyLimit?: number;
  updatedAt?: string;
  /** Why the service turned it off, when it did (the merchant's own `enabled: false` leaves none). */
  disabled?: { reason: 'failures' | 'downgrade'; at: string; topUpId?: string };
}

/** The auto top-up requested and not yet answered by `topup.paid` / `topup.failed`. */
export interface PendingAutoTopUp {
  topUpId: string;
  packId: string;
}

export interface AutoTopUpState {
  /** null: never set (the default, disabled). */
  setting: AutoTopUpSetting | null;
  pending: PendingAutoTopUp | null;
  /** Auto top-ups created in `month` (UTC, `YYYY-MM`); another month means none yet in the current one. */
  month: string | null;
  count: number;
  /** Auto top-ups failed in a row since the last paid one (or since it was enabled). */
  failures: number;
  /** When the monthly limit's notice was last handled (its month is the first 7 characters). */
  limitNotifiedAt: string | null;
}

/** Conditions on the auto top-up state, checked atomically with the change. */
export interface AutoTopUpGuard {
  /** The setting is exactly this (null: none was ever stored). */
  settingIs?: AutoTopUpSetting | null;
  /** The pending marker names this top-up (null: none is pending). */
  pendingIs?: string | null;
  /** The month's count is exactly this (month null: never counted). */
  countIs?: { month: string | null; count: number };
  failuresIs?: number;
  /** The limit notice was not handled since this instant (the month's start). */
  limitNotNotifiedSince?: string;
  /** Each bucket holds at most what was read: `available` can only have fallen since the decision. */
  bucketsAtMost?: { allowanceRemaining: number; purchased: number; sourced: number };
}

/** A change of the auto top-up state, written with the rest of the change. */
export interface AutoTopUpChange {
  setting?: AutoTopUpSetting;
  /** Sets the marker, or clears it (null). */
  pending?: PendingAutoTopUp | null;
  count?: { month: string; count: number };
  failures?: number;
  limitNotifiedAt?: string;
  guard: AutoTopUpGuard;
}

/**
 * What a bulk generation job was charged, kept on the balance item while the job runs: what it took from
 * each bucket (so a refund gives back to where it came from) and how many of its credits were refunded
 * so far (items that failed or were canceled). Each refund moves `refunded` forward, guarded on its old
 * value, so a refund decided twice (a redelivered item) lands once; the job's end removes it.
 */
export interface JobHold {
  jobId: string;
  allowance: number;
  purchased: number;
  sources?: Array<{ id: string; amount: number }>;
  epoch: number;
  /** Credits charged for the job (one per item not skipped). */
  credits: number;
  refunded: number;
}

/**
 * The balance alerts of one alert period (an allowance epoch: a reset or refresh starts a new one). Every
 * transition is one write guarded on the state it was decided from (`Guard.alertsAre`), so concurrent
 * writers agree on each alert once.
 */
export interface AlertState {
  /** The `allowanceEpoch` it belongs to; a state of an earlier epoch counts as a fresh one. */
  epoch: number;
  /** Thresholds whose `low_balance` fired this period. */
  notified: number[];
  /** `credits_depleted` fired this period. */
  depleted: boolean;
  /** The lowest threshold available was below at the last transition (0: above them all). */
  band: number;
  /** The lowest threshold crossed since the last recovery or the period start (0: no dip). */
  dip: number;
  /** Recoveries so far this period (names each dip's `credits_recovered` once). */
  recoveries: number;
}

/** Generation attempts: a window opened at the first attempt, its count, and a cooldown once it overflowed. */
export interface RateState {
  windowStart: string;
  windowEnd: string;
  count: number;
  cooldownUntil?: string;
}

/** What a charge took for a generation still running: released when it ends, refunded if it fails or dies. */
export interface ChargeHold {
  generationId: string;
  allowance: number;
  purchased: number;
  /** Service-clock time of the charge. */
  at: string;
  /** `allowanceEpoch` the allowance part was taken from. */
  epoch: number;
  feature: FeatureId;
  productId?: string;
  /** What it took from grants and expiring top-ups, by source id. */
  sources?: Array<{ id: string; amount: number }>;
}

export const availableOf = (a: Pick<AccountState, 'allowanceRemaining' | 'purchased'> & { sourced?: number }): number =>
  a.allowanceRemaining + a.purchased + (a.sourced ?? 0);

/**
 * Conditions a change requires of the balance item, checked atomically with the write.
 * Every change implicitly requires the account to exist.
 */
export interface Guard {
  allowanceAtLeast?: number;
  allowanceIs?: number;
  /** The three buckets hold exactly this: no credit moved since a decision was made on them (balance alerts). */
  balanceIs?: { allowanceRemaining: number; purchased: number; sourced: number };
  purchasedAtLeast?: number;
  /** The period has not ended at this instant (else the refresh must run first). */
  periodCurrentAt?: string;
  periodEndIs?: string;
  /** No subscription event newer than or equal to this one was applied. */
  planEventBefore?: string;
  /** An idempotent operation (e.g. crediting a top-up) not applied before. */
  opNotApplied?: string;
  lowBalanceNotNotifiedFor?: string;
  /** The account is still on this plan. */
  planIs?: PlanId;
  /** The hold of this generation is still there (neither released nor refunded). */
  holdExists?: string;
  /** No hold of this generation exists (a generation id is charged at most once at a time). */
  holdAbsent?: string;
  /** The allowance was not set anew since this epoch. */
  allowanceEpochIs?: number;
  /** allowanceRemaining ≤ this (a refund never lifts the allowance above the plan's amount). */
  allowanceAtMost?: number;
  /** The account is on one of these plans (the feature is included in its plan). */
  planIn?: readonly PlanId[];
  /** A rate window is open at this instant (its end is later). */
  rateWindowOpenAt?: string;
  /** The stored rate window ends at exactly this instant (`null`: no window was ever opened). */
  rateWindowEndIs?: string | null;
  /** Fewer attempts than this were counted in the stored window. */
  rateCountBelow?: number;
  /** At least this many attempts were counted in the stored window. */
  rateCountAtLeast?: number;
  /** No cooldown is running at this instant. */
  noCooldownAt?: string;
  /** No source was added, removed or noticed since this version. */
  sourcesVersionIs?: number;
  /** Each named source holds at least this much (so it exists: it has not expired). */
  sourcesAtLeast?: Record<string, number>;
  /** Each named source holds exactly this much. */
  sourcesAre?: Record<string, number>;
  /** Each named source holds at most this much (a refund never lifts a source above what it was created with). */
  sourcesAtMost?: Record<string, number>;
  /** The job's hold exists and has refunded exactly this many credits. */
  jobRefundedIs?: { jobId: string; count: number };
  /** The alert state is exactly this one (null: none is stored). */
  alertsAre?: AlertState | null;
  /** The event outbox holds fewer events than this (it is bounded; see `LIMITS.outboxMaxEvents`). */
  outboxBelow?: number;
}

/** A change of the rate-limit window, written with the rest of the change. */
export type RateChange =
  /** One more attempt in the open window. */
  | { kind: 'count' }
  /** A new window with this attempt as its first (and any ended cooldown cleared). */
  | { kind: 'open'; windowStart: string; windowEnd: string }
  /** The window overflowed: a cooldown until then, and the window ends with it. */
  | { kind: 'cooldown'; until: string };

export interface Change {
  /** Added to the buckets (negative for a debit). */
  allowanceDelta?: number;
  purchasedDelta?: number;
  /** Attributes replaced outright. */
  set?: Partial<Pick<AccountState, 'plan' | 'allowance' | 'allowanceRemaining' | 'periodStart' | 'periodEnd' | 'lastPlanEventAt' | 'lowBalanceNotifiedFor'>>;
  entries: NewLedgerEntry[];
  guard: Guard;
  /** The allowance is set anew by this change (plan change, refresh): starts a new allowance epoch. */
  newAllowanceEpoch?: boolean;
  /** Recorded with the change so that `opNotApplied` refuses a second application. */
  opId?: string;
  /**
   * Records a hold with the charge, in the same write. Without an `epoch` the store records the item's
   * own allowance epoch at the write, so a charge decided without a read still names the right epoch.
   */
  hold?: Omit<ChargeHold, 'epoch'> & { epoch?: number };
  /** Counts the attempt (or opens a window, or starts a cooldown) in the same write. */
  rate?: RateChange;
  /** Removes the hold of this generation, in the same write. */
  releaseHold?: string;
  /** Added to the named sources' `remaining` (and to `sourced`). */
  sourceDeltas?: Record<string, number>;
  /** A new source, in the same write (bumps `sourcesVersion`). */
  addSource?: CreditSource;
  /** Sources removed (expired, or empty and referenced by no hold), with their notice marks; their remainders must be taken out by `sourceDeltas`. Bumps `sourcesVersion`. */
  removeSources?: string[];
  /** Bumps `sourcesVersion` without adding or removing a source (a refund to one). */
  touchSources?: boolean;
  /** Marks these sources' expiry as noticed (bumps `sourcesVersion`). */
  noticeExpiry?: string[];
  /** When the job must next visit the account for its sources (index `source-due`); null removes it. */
  sourceDueAt?: string | null;
  /** Outbound events this change emits, recorded in the balance item's event outbox by the same write. */
  events?: OutboundEvent[];
  /** Auto top-up setting or state, with its own guard (needs a store built with the auto top-up attributes). */
  autoTopUp?: AutoTopUpChange;
  /** Records a bulk job's hold (refunded 0), in the same write (with `releaseHold` of the charge's own hold). */
  holdJob?: Omit<JobHold, 'refunded'>;
  /** Moves a job hold's refunded count to `to`; `end` removes the hold (the job is over). */
  jobRefunded?: { jobId: string; to: number; end?: boolean };
  /** Replaces the alert state, in the same write. */
  alerts?: AlertState;
}

/** What creating an account writes; the rest starts empty. */
export type NewAccount = Omit<AccountState, 'seq' | 'pending' | 'holds' | 'allowanceEpoch' | 'rate' | 'sources' | 'sourced' | 'sourcesVersion' | 'expiryNoticed' | 'jobHolds' | 'alerts' | 'outbox'>;

export type ChangeResult = { ok: true; account: AccountState } | { ok: false; account: AccountState | null };

export interface LedgerPage {
  items: LedgerEntry[];
  nextCursor: string | null;
}

/**
 * Items of the credit store's own that may ride on another write to the same table (a ledger block beside
 * a generation), saving a request of their own. `done` reports whether they were written; items nobody
 * writes stay where they are and are written later by the store itself.
 */
export interface CompanionWrite {
  items: Array<Record<string, unknown>>;
  done(written: boolean): void;
}

export interface CreditStore {
  getAccount(accountId: string): Promise<AccountState | null>;
  /** Creates the account unless it exists; returns the stored state either way (idempotent). */
  createAccount(initial: NewAccount, grant: NewLedgerEntry): Promise<AccountState>;
  /**
   * Applies a change with one conditional write; `ok: false` (with the fresh state) when a guard did not
   * hold. With `base` (the caller's last read) the result is `base` updated with what the write changed,
   * and its `pending` is left empty.
   */
  apply(accountId: string, change: Change, base?: AccountState): Promise<ChangeResult>;
  /** Removes a charge's hold (its generation is stored) without answering the state; false if it was gone. */
  release?(accountId: string, generationId: string): Promise<boolean>;
  /** What a held charge's admission left to be written beside its generation, if anything (once). */
  companionWrites?(accountId: string, generationId: string): CompanionWrite | undefined;
  ledgerPage(accountId: string, limit: number, cursor?: string): Promise<LedgerPage>;
}

/** The store of the scheduled job: the due indexes and batched reads besides (adapters/dynamo-due-index.ts). */
export interface DueCreditStore extends CreditStore {
  /** Several accounts in as few requests as the store allows (consistent reads); absent ones are left out. */
  getAccounts(accountIds: string[]): Promise<AccountState[]>;
  /** Accounts with a source to expire or notice at or before `now`, a page at a time (for the scheduled job). */
  sourceDueAccounts(now: string, shard: number, cursor?: string, limit?: number): Promise<{ accountIds: string[]; cursor?: string }>;
  /** Accounts whose period ended before `now`, a page at a time (for the monthly job). */
  dueAccounts(now: string, shard: number, cursor?: string, limit?: number): Promise<{ accountIds: string[]; cursor?: string }>;
}

export type NotificationType =
  | 'cooldown_started'
  | 'credits_reset'
  | 'credits_refreshed'
  | 'low_balance'
  | 'top_up_completed'
  | 'blog_published'
  | 'credits_expiring'
  | 'auto_top_up_disabled'
  | 'auto_top_up_limit_reached'
  | 'generation_job_completed'
  | 'credits_depleted'
  | 'credits_recovered';

export interface Notification {
  id: string;
  type: NotificationType;
  message: string;
  createdAt: string;
  readAt: string | null;
  /** `low_balance`: the share of the allowance crossed. */
  threshold?: number;
}

export interface NotificationStore {
  /** Idempotent on `id`: writing the same notification twice keeps one. */
  add(accountId: string, n: Omit<Notification, 'readAt'>): Promise<void>;
  list(accountId: string, limit: number, cursor?: string): Promise<{ items: Notification[]; nextCursor: string | null }>;
  markRead(accountId: string, id: string, at: string): Promise<Notification | null>;
}
