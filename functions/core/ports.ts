/**
 * Ports the credits core depends on. They speak the domain; `adapters/dynamo-store.ts` realises them
 * with single-item conditional writes on DynamoDB (dynalite locally).
 */
import type { FeatureId, PlanId } from '../config.ts';

export type Bucket = 'allowance' | 'purchased';
export type LedgerType = 'grant' | 'reset' | 'refresh' | 'charge' | 'refund' | 'top_up' | 'adjust';

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
  reason?: string;
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
}

export const availableOf = (a: Pick<AccountState, 'allowanceRemaining' | 'purchased'>): number => a.allowanceRemaining + a.purchased;

/**
 * Conditions a change requires of the balance item, checked atomically with the write.
 * Every change implicitly requires the account to exist.
 */
export interface Guard {
  allowanceAtLeast?: number;
  allowanceIs?: number;
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
}

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
  /** Several accounts in as few requests as the store allows (consistent reads); absent ones are left out. */
  getAccounts(accountIds: string[]): Promise<AccountState[]>;
  /** Creates the account unless it exists; returns the stored state either way (idempotent). */
  createAccount(initial: Omit<AccountState, 'seq' | 'pending' | 'holds' | 'allowanceEpoch' | 'rate'>, grant: NewLedgerEntry): Promise<AccountState>;
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
  /** Accounts whose period ended before `now`, a page at a time (for the monthly job). */
  dueAccounts(now: string, shard: number, cursor?: string, limit?: number): Promise<{ accountIds: string[]; cursor?: string }>;
}

export type NotificationType =
  | 'cooldown_started'
  | 'credits_reset'
  | 'credits_refreshed'
  | 'low_balance'
  | 'top_up_completed'
  | 'blog_published';

export interface Notification {
  id: string;
  type: NotificationType;
  message: string;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationStore {
  /** Idempotent on `id`: writing the same notification twice keeps one. */
  add(accountId: string, n: Omit<Notification, 'readAt'>): Promise<void>;
  list(accountId: string, limit: number, cursor?: string): Promise<{ items: Notification[]; nextCursor: string | null }>;
  markRead(accountId: string, id: string, at: string): Promise<Notification | null>;
}
