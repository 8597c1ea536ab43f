/**
 * A top-up as stored, and the port that stores it (in the account's item collection). Apart from the
 * use cases (`top-ups.ts`), so the auto top-up module can write top-ups without importing them back.
 */
import type { TopUpPack } from '../config.ts';

export type TopUpStatus = 'pending' | 'paid' | 'failed';
/** Who started it: the merchant at a checkout, or the service (auto top-up, charged to the saved card). */
export type TopUpTrigger = 'manual' | 'auto';

export interface TopUp {
  id: string;
  accountId: string;
  packId: string;
  credits: number;
  price: TopUpPack['price'];
  status: TopUpStatus;
  /** Where the merchant pays; none for an auto top-up (the billing system charges the saved card). */
  checkoutUrl?: string;
  createdAt: string;
  /** Absent on top-ups stored before auto top-up existed: those are `manual`. */
  trigger?: TopUpTrigger;
  /** The pack's `validDays` when bought: the credits expire this many days after payment. */
  validDays?: number;
  /** When the first `topup.paid` was recorded; `paid` is final. */
  paidAt?: string;
  failedAt?: string;
}

/** Top-ups live in their account's item collection, so one account can never reach another's. */
export interface TopUpStore {
  /** Writes the top-up unless one with its id exists (so a repeated write of a deterministic id is harmless). */
  createTopUp(topUp: TopUp): Promise<void>;
  getTopUp(accountId: string, topUpId: string): Promise<TopUp | null>;
  /** Newest first. */
  listTopUps(accountId: string, limit: number, cursor?: string): Promise<{ items: TopUp[]; nextCursor: string | null }>;
  /**
   * Sets `paid` (and `paidAt`) unless already paid. Returns the stored top-up either way, so concurrent
   * callers agree on one `paidAt`; null when it does not exist.
   */
  markPaid(accountId: string, topUpId: string, at: string): Promise<TopUp | null>;
  /** `pending` → `failed`; false (and no change) when it is paid, failed already, or absent. */
  markFailed(accountId: string, topUpId: string, at: string): Promise<boolean>;
}
