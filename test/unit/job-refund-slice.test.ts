import { describe, expect, it } from 'vitest';
import { refundSlice } from '../../functions/core/generation-jobs.ts';
import type { JobHold } from '../../functions/core/ports.ts';

// A job of 10 credits charged as 4 allowance, 3 from grant a, 2 from grant b, 1 purchased (burn-down order).
const hold: JobHold = { jobId: 'job_x', allowance: 4, purchased: 1, sources: [{ id: 'grt_a', amount: 3 }, { id: 'grt_b', amount: 2 }], epoch: 7, credits: 10, refunded: 0 };

describe('refundSlice: a job gives its credits back in reverse burn-down order, each once', () => {
  it('given the first refund of one credit, then it is the purchased credit (burned last)', () => {
    expect(refundSlice(hold, 0, 1)).toEqual({ allowance: 0, purchased: 1, epoch: 7 });
  });

  it('given refunds 1..4, then they come from grant b, then grant a', () => {
    expect(refundSlice(hold, 1, 4)).toEqual({ allowance: 0, purchased: 0, sources: [{ id: 'grt_a', amount: 1 }, { id: 'grt_b', amount: 2 }], epoch: 7 });
  });

  it('given the whole job refunded in consecutive slices, then the parts add up to the charge, exactly', () => {
    const slices = [
      [0, 3],
      [3, 3],
      [3, 8],
      [8, 10],
    ].map(([a, b]) => refundSlice(hold, a, b));
    const sum = (f: (s: ReturnType<typeof refundSlice>) => number) => slices.reduce((n, s) => n + f(s), 0);
    expect(sum((s) => s.allowance)).toBe(4);
    expect(sum((s) => s.purchased)).toBe(1);
    expect(sum((s) => s.sources?.find((x) => x.id === 'grt_a')?.amount ?? 0)).toBe(3);
    expect(sum((s) => s.sources?.find((x) => x.id === 'grt_b')?.amount ?? 0)).toBe(2);
    expect(slices[1]).toEqual({ allowance: 0, purchased: 0, epoch: 7 });
  });
});
