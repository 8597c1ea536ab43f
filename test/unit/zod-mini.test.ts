/**
 * The request schemas are built with zod/mini (functions/zod.ts) so that no bundle carries classic zod.
 * The switch must not change what a client sees: the same inputs pass with the same values, the same
 * refusals carry the same issue codes, paths and English messages (they reach clients in 400 bodies).
 * Each schema here is checked against its classic spelling as it was before the switch; tests are never
 * bundled, so they may use classic zod.
 */
import { describe, expect, it } from 'vitest';
import * as classic from 'zod';
import { GenerateRequest, SelectRequest } from '#core/schemas.ts';
import { AdjustmentRequest, BlogPostRequest, BlogPostsQuery, accountIdParam } from '#core/requests.ts';
import { TokenRequest } from '../../lib/local/requests.ts';
import { LIMITS } from '#config';

type Parser = { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: Array<{ code: string; path: PropertyKey[]; message: string }> } } };
const outcome = (s: Parser, v: unknown) => {
  const r = s.safeParse(v);
  return r.success ? { data: r.data } : { issues: r.error!.issues.map(({ code, path, message }) => ({ code, path, message })) };
};

describe('zod/mini schemas', () => {
  // First, before any classic schema exists: classic zod installs English itself on its first schema,
  // and the two share one configuration, so later tests could not tell whether functions/zod.ts did.
  it('given an empty name, then the message is zod’s English one, configured by functions/zod.ts alone', () => {
    const r = outcome(GenerateRequest, { feature: 'seo_meta', productId: 'p1', input: { name: '  ' } });
    expect(r).toEqual({ issues: [{ code: 'too_small', path: ['input', 'name'], message: 'Too small: expected string to have >=1 characters' }] });
  });

  // Built only now, for the reason above: their spelling before the switch to zod/mini.
  const was = () => {
    const z = classic;
    const text = (min: number, max: number) => z.string().trim().min(min).max(max);
    return {
      SelectRequest: z.strictObject({ index: z.number().int().min(0).max(1) }),
      BlogPostRequest: z.strictObject({ generationId: text(1, 100), index: z.number().int().min(0).max(1), publishAt: z.iso.datetime({ offset: true }) }),
      BlogPostsQuery: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(LIMITS.blogPostsPageDefault),
        cursor: z.string().min(1).max(400).optional(),
        status: z.enum(['scheduled', 'published', 'canceled']).optional(),
      }),
      AdjustmentRequest: z.strictObject({
        amount: z.number().int().refine((n) => n !== 0, 'must not be 0').refine((n) => Math.abs(n) <= 1_000_000, 'too large'),
        reason: text(1, 500),
      }),
      TokenRequest: z.strictObject({ accountId: text(1, 100), scopes: z.array(text(1, 100)).max(20).optional(), sub: text(1, 100).optional() }),
      accountIdParam: text(1, 100).regex(/^[A-Za-z0-9_\-:.]+$/, 'letters, digits and _-:. only'),
    };
  };

  const cases: Array<[keyof ReturnType<typeof was>, Parser, unknown[]]> = [
    ['SelectRequest', SelectRequest, [{ index: 1 }, { index: 2 }, { index: 0.5 }, { index: '1' }, {}, { index: 0, extra: true }, null, 'x']],
    [
      'BlogPostRequest',
      BlogPostRequest,
      [
        { generationId: ' g1 ', index: 0, publishAt: '2026-12-01T10:00:00+02:00' },
        { generationId: '', index: -1, publishAt: '2026-12-01 10:00' },
        { generationId: 'x'.repeat(101), index: 0, publishAt: '2026-12-01T10:00:00Z' },
        {},
      ],
    ],
    ['BlogPostsQuery', BlogPostsQuery, [{}, { limit: '7' }, { limit: '0' }, { limit: 'abc' }, { limit: '2.5', cursor: '' }, { status: 'draft' }, { status: 'published', cursor: 'c'.repeat(401) }]],
    ['AdjustmentRequest', AdjustmentRequest, [{ amount: 5, reason: 'ok' }, { amount: 0, reason: 'x' }, { amount: 2_000_000, reason: ' ' }, { amount: 1.5 }, { amount: 'ten', reason: 3 }]],
    ['TokenRequest', TokenRequest, [{ accountId: 'a', scopes: ['s'] }, { accountId: 'a', scopes: Array(21).fill('s') }, { accountId: 'a', scopes: [''] }, { accountId: 'a', sub: 7 }]],
    ['accountIdParam', accountIdParam, ['acct_1', 'acct 1', '', 'x'.repeat(101), 42]],
  ];

  it.each(cases.map(([name, mini, inputs]) => [name, mini, inputs] as const))(
    'given %s, when the same inputs are parsed, then zod/mini and the classic spelling agree on every value and every issue',
    (name, mini, inputs) => {
      const classicSchema = was()[name] as unknown as Parser;
      for (const input of inputs) expect(outcome(mini, input), JSON.stringify(input)).toEqual(outcome(classicSchema, input));
      // The cases are meant to hold refusals as well as values; a list of passes only would prove little.
      expect(inputs.some((i) => !mini.safeParse(i).success)).toBe(true);
    },
  );
});
