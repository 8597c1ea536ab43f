/**
 * Where the merchant's credits sit, in the order generations spend them (`GET /v1/credits` `sources`):
 * each source's name, what it still holds and when it expires. The popover and Settings show the same list.
 */
import { formatDate } from '../format.ts';
import type { CreditSource } from '../types.ts';

/**
 * A source as merchants name it. The purchased bucket holds two kinds: a top-up that expires (it has an
 * id and an expiry) and the pool of credits that never expire (neither).
 */
export function sourceLabel(s: CreditSource): string {
  if (s.bucket === 'allowance') return 'Monthly allowance';
  if (s.bucket === 'grant') return s.category === 'compensation' ? 'Compensation grant' : 'Promotional grant';
  return s.expiresAt ? 'Top-up' : 'Purchased credits';
}

export function expiryText(s: CreditSource): string {
  return s.expiresAt ? `expires ${formatDate(s.expiresAt)}` : 'never expires';
}

export function CreditSources({ sources, testId, compact }: { sources: readonly CreditSource[]; testId: string; compact?: boolean }) {
  return (
    <ul class={`sources${compact ? ' compact' : ''}`} role="list" aria-label="Where your credits come from, in the order they are used" data-testid={testId}>
      {sources.map((s, i) => (
        // Several grants (or top-ups) share a bucket: the id tells them apart; the pool without one is unique.
        <li
          key={`${s.bucket}:${s.id ?? i}`}
          class="source"
          data-testid="credit-source"
          data-bucket={s.bucket}
          data-id={s.id}
          data-remaining={s.remaining}
          data-expires-at={s.expiresAt ?? ''}
        >
          <span class="source-label" data-testid="credit-source-label">
            {sourceLabel(s)}
          </span>
          <span class="source-remaining" data-testid="credit-source-remaining">
            {s.remaining}
          </span>
          <span class="source-expiry" data-testid="credit-source-expiry">
            {expiryText(s)}
          </span>
        </li>
      ))}
    </ul>
  );
}
