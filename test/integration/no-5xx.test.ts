/**
 * The contract's promise that no input yields a 5xx (other than 502 for a failed model call), checked
 * on every route of the wiring with hostile bodies, path parameters and query strings. Routes added
 * later are covered automatically.
 */
import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/wiring.ts';
import { call, freshAccount, useStack } from '../support/stack.ts';

const ctx = useStack();

const bodies: Array<string | undefined> = [
  undefined,
  '',
  '{',
  'null',
  '[]',
  '"text"',
  '12',
  '{"__proto__":{"admin":true}}',
  JSON.stringify({ feature: 'product_description', productId: 'p', input: { name: 'x'.repeat(5000) } }),
  JSON.stringify({ feature: 'image_enhancement', input: { uploadId: '../../etc/passwd' } }),
  JSON.stringify({ feature: 'blog_post', input: { topic: 't', length: 'short', productIds: ['a', 'b'] } }),
  JSON.stringify({ amount: 1e308, reason: 'x' }),
  JSON.stringify({ index: -1 }),
  JSON.stringify({ index: 1 }),
  JSON.stringify({ packId: 'pack_0' }),
  JSON.stringify({ contentType: 'image/gif', bytes: 10 }),
  JSON.stringify({ generationId: 'gen_x', index: 0, publishAt: 'tomorrow' }),
  JSON.stringify({ id: 'evt_1', type: 'subscription.updated', createdAt: 'x', data: {} }),
  JSON.stringify({ a: { b: { c: { d: { e: [1, [2, [3]]] } } } } }),
];
const params = ['x', 'gen_does_not_exist', '%F0%9F%92%A5', "a'b\"c", 'A'.repeat(300), '..%2F..%2Fetc'];
const queries = ['', '?limit=0', '?limit=-5', '?limit=1e9', '?cursor=%00', '?cursor=eyJiZWZvcmUiOiJ4In0', '?status=nope&limit=abc'];

describe('no input yields a 5xx', () => {
  it('given hostile bodies, path parameters and query strings on every route, then every answer is a 2xx or 4xx with the error envelope', async () => {
    const account = freshAccount();
    const token = await ctx.stack.token(account, ['credits:admin']);
    const failures: string[] = [];
    let sent = 0;
    for (const route of routes()) {
      const paths = params.map((p) => route.path.replace(/\{\w+\}/g, p));
      for (const path of paths.slice(0, route.path.includes('{') ? paths.length : 1)) {
        const variants = route.method === 'GET' || route.method === 'DELETE' ? queries.map((q) => ({ q, body: undefined })) : bodies.map((body) => ({ q: '', body }));
        for (const { q, body } of variants) {
          const r = await call(`${ctx.stack.url}${path}${q}`, {
            method: route.method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'webhook-signature': 't=1,v1=00' },
            body,
          });
          sent++;
          const label = `${route.method} ${path.slice(0, 60)}${q} ${String(body).slice(0, 40)} → ${r.status}`;
          if (r.status >= 500) failures.push(label);
          else if (r.status >= 400 && typeof r.body?.error?.code !== 'string') failures.push(`${label} (no error envelope)`);
        }
      }
    }
    expect(sent).toBeGreaterThan(700);
    expect(failures).toEqual([]);
  }, 240_000);
});
