/**
 * Asynchronously invoked handlers (EventBridge rules, Scheduler) must throw when they leave work undone:
 * only a failed invocation is retried by Lambda and, in the end, kept in the function's on-failure queue.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RefreshJobResult } from '#core/refresh-job.ts';

const job = vi.hoisted(() => ({ result: undefined as unknown as RefreshJobResult }));
vi.mock('../../functions/core/refresh-job.ts', () => ({ refreshDueAccounts: vi.fn(async () => job.result) }));
const rollUp = vi.hoisted(() => vi.fn(async () => 2));
vi.mock('../../functions/core/operator-usage.ts', () => ({ rollUpUsage: rollUp }));
// No environment here: the composition is not built (the job, mocked above, never reads its ports).
vi.mock('../../functions/composition/compose.ts', () => ({ compose: () => ({ deps: {}, ports: [], envKeys: [] }) }));

const { handler, RefreshIncomplete } = await import('../../functions/handlers/monthly-refresh.ts');
const ok: RefreshJobResult = { refreshed: 3, alreadyFresh: 1, failed: 0, sourcesSettled: 0, eventsRelayed: 0, errors: [], complete: true };

describe('monthly-refresh handler', () => {
  beforeEach(() => {
    job.result = ok;
  });

  it('given a run that refreshed every due account, then it returns the counts, having rolled operator usage up', async () => {
    rollUp.mockClear();
    await expect(handler({})).resolves.toEqual({ refreshed: 3, complete: true, failed: 0 });
    expect(rollUp).toHaveBeenCalledTimes(1);
  });

  it('given a rollup that fails, then the invocation fails (the whole run is safe to retry)', async () => {
    rollUp.mockRejectedValueOnce(new Error('throttled'));
    await expect(handler({})).rejects.toThrow(/throttled/);
  });

  it('given a run where one account failed, then the invocation fails with the counts and the first error', async () => {
    job.result = { ...ok, failed: 1, errors: ['acct_9: throttled'] };
    const error = await handler({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshIncomplete);
    expect(String((error as Error).message)).toMatch(/3 refreshed, 1 failed.*acct_9: throttled/);
  });

  it('given a run the deadline cut short, then the invocation fails so Lambda retries it at once', async () => {
    job.result = { ...ok, complete: false };
    await expect(handler({})).rejects.toThrow(/some shards unfinished/);
  });
});
