/**
 * The contract's promise that no input yields a 5xx (other than 502 for a failed model call), checked
 * on every route of the wiring with hostile bodies, path parameters and query strings. Routes added
 * later are covered automatically.
 */
import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/wiring.ts';
import { call, freshAccount, useStack } from '../support/stack.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const ID22 = '0123456789abcdefghjkmn';

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

/** Percent-encodings that do not decode to UTF-8 text: bad bytes, truncated and overlong sequences, bare `%`. */
const badEncodings = ['%ff', '%FE%FF', '%e2%82', '%c0%af', '%ed%a0%80', '%', '%zz', 'ok%2', '%00', 'a%0Ab'];

/** Cursors no page ever issued: fractions, out-of-range and wrong-typed positions, other routes' shapes, re-spellings. */
const hostileCursors = [
  b64('{"before":1.5}'),
  b64('{"before":0}'),
  b64('{"before":1}'),
  b64('{"before":-3}'),
  b64('{"before":1e300}'),
  b64('{"before":9007199254740993}'),
  b64('{"before":999999}'),
  b64('{"before":"2"}'),
  b64('{"before":2,"extra":true}'),
  b64('{ "before": 2 }'),
  b64('{"id":"x"}'),
  b64(`{"id":"post_${ID22}x"}`),
  b64(`{"id":"ntf_${ID22.toUpperCase()}"}`),
  b64('{"sk":"LEDGER#000000000001"}'),
  b64(`{"sk":"TOPUP#tu_${ID22}","pk":"ACCT#other"}`),
  b64('{"id":{"S":"x"}}'),
  b64('null'),
  b64('[]'),
  b64('"text"'),
  'not base64!',
  `${b64(`{"id":"post_${ID22}"}`)}!!`,
  '%ff',
  '%zz',
];

describe('undecodable path and query parameters answer 400', () => {
  it('given a bad percent-encoding in each path parameter of every route, when called, then 400 VALIDATION_FAILED naming the parameter', async () => {
    const token = await ctx.stack.token(freshAccount(), ['credits:admin']);
    const failures: string[] = [];
    let sent = 0;
    for (const route of routes().filter((r) => r.path.includes('{'))) {
      for (const bad of badEncodings) {
        const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        // One parameter bad at a time, the others well-formed, so each parameter is shown to be checked.
        for (const name of names) {
          const path = route.path.replace(/\{(\w+)\}/g, (_m, n: string) => (n === name ? bad : 'x1'));
          const r = await call(`${ctx.stack.url}${path}`, {
            method: route.method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: route.method === 'POST' ? '{}' : undefined,
          });
          sent++;
          const ok = r.status === 400 && r.body?.error?.code === 'VALIDATION_FAILED' && JSON.stringify(r.body.error.issues).includes(`path.${name}`);
          if (!ok) failures.push(`${route.method} ${path} → ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  });

  it('given a bad percent-encoding in a query parameter of every GET route, then 400 VALIDATION_FAILED', async () => {
    const token = await ctx.stack.token(freshAccount(), ['credits:admin']);
    const failures: string[] = [];
    for (const route of routes().filter((r) => r.method === 'GET')) {
      const path = route.path.replace(/\{\w+\}/g, 'x1');
      for (const q of ['?cursor=%ff', '?limit=%e2%82', '?status=%', '?x%ff=1']) {
        const r = await call(`${ctx.stack.url}${path}${q}`, { headers: { authorization: `Bearer ${token}` } });
        if (r.status !== 400 || r.body?.error?.code !== 'VALIDATION_FAILED') failures.push(`GET ${path}${q} → ${r.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('given a cursor the API never issued on every paged route, then 400 VALIDATION_FAILED, and the cursors it did issue still page', async () => {
    const accountId = freshAccount();
    const token = await ctx.stack.token(accountId, ['credits:admin']);
    const get = (path: string) => call(`${ctx.stack.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    // Three ledger entries (the grant and two adjustments), so the ledger issues a real cursor at limit 1.
    await get('/v1/credits');
    for (const amount of [5, 7]) {
      await call(`${ctx.stack.url}/v1/admin/accounts/${accountId}/adjustments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ amount, reason: 'paging' }),
      });
    }
    const paged: string[] = [];
    for (const route of routes().filter((r) => r.method === 'GET' && !r.path.includes('{'))) {
      const first = await get(route.path);
      if (first.status === 200 && first.body && 'nextCursor' in first.body) paged.push(route.path);
    }
    expect(paged).toEqual(expect.arrayContaining(['/v1/credits/ledger', '/v1/blog-posts', '/v1/notifications', '/v1/credits/top-ups']));
    const failures: string[] = [];
    for (const path of paged) {
      for (const cursor of hostileCursors) {
        const r = await get(`${path}?cursor=${encodeURIComponent(cursor)}`);
        if (r.status !== 400 || r.body?.error?.code !== 'VALIDATION_FAILED') failures.push(`${path} cursor=${cursor} → ${r.status} ${JSON.stringify(r.body).slice(0, 100)}`);
      }
    }
    expect(failures).toEqual([]);

    const page1 = await get('/v1/credits/ledger?limit=1');
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await get(`/v1/credits/ledger?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.status).toBe(200);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
  });
});
