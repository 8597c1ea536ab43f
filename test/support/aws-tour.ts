/**
 * A tour of every function of the wiring through the local stack, the way merchants, the billing system,
 * the schedules and an admin reach them: each function runs at least once, each on a path that uses
 * every part of what it is granted (a merchant's first request provisions the account, so any route may
 * write it). The least-privilege test records the AWS calls the tour makes, per function.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { accountPk } from '../../functions/adapters/dynamo-store.ts';
import { deps } from '../../lib/local/deps.ts';
import { ADMIN_SCOPE } from '../../lib/wiring.ts';
import type { LocalStack } from '../../lib/local/stack.ts';
import { billingEvent, deliverAndSettle } from './billing.ts';
import { startFakeConverse, type FakeConverse } from './fake-converse.ts';
import { startFakeRemoveBackground, type FakeRemoveBackground } from './fake-remove-background.ts';
import { dimProductPhoto } from './images.ts';
import { apiFor, call, freshAccount, type Api } from './stack.ts';
import { outboundQueueOf, sampleEvent, startReceiver } from './webhook-receiver.ts';

/** One Bedrock endpoint for both fakes: Converse to the text fake, InvokeModel to the image fake. */
export async function startBedrockFakes(): Promise<{ url: string; text: FakeConverse; image: FakeRemoveBackground; close(): Promise<void> }> {
  const [text, image] = await Promise.all([startFakeConverse(), startFakeRemoveBackground()]);
  const server: Server = createServer((req, res) => {
    const target = new URL(/\/converse(-stream)?$/.test(req.url ?? '') ? text.url : image.url);
    const out = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    text,
    image,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.all([text.close(), image.close()]);
    },
  };
}

/** Ends an account's period yesterday, as a month passing would, without moving the service clock. */
async function makeDue(accountId: string): Promise<void> {
  const d = deps();
  const end = new Date(Date.now() - 86_400_000);
  await d.dynamo.doc.send(
    new UpdateCommand({
      TableName: d.env.TABLE_NAME,
      Key: { pk: accountPk(accountId), sk: 'BALANCE' },
      UpdateExpression: 'SET periodEnd = :e, periodStart = :s',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':e': end.toISOString(), ':s': new Date(end.getTime() - 30 * 86_400_000).toISOString() },
    }),
  );
}

async function setClock(stack: LocalStack, offsetSeconds: number): Promise<void> {
  const r = await call(`${stack.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetSeconds }) });
  expect(r.status).toBe(200);
}

const ok = (r: { status: number; body: unknown }, status: number) => expect(r.status, JSON.stringify(r.body)).toBe(status);

/** A merchant whose first request is `first` (which then provisions the account), moved to `plan` by a webhook. */
async function merchant(stack: LocalStack, first: (api: Api) => Promise<unknown>, plan?: 'plus' | 'pro'): Promise<{ id: string; api: Api }> {
  const id = freshAccount('tour');
  const api = apiFor(stack, await stack.token(id));
  await first(api);
  if (plan) ok(await deliverAndSettle(stack, await billingEvent(stack, 'subscription.updated', { accountId: id, plan })), 202);
  return { id, api };
}

/** The text model's fake, when the tour runs against it: bulk jobs script a throttle so the worker re-sends an item. */
export async function tourEveryFunction(stack: LocalStack, text?: FakeConverse): Promise<void> {
  const admin = apiFor(stack, await stack.token(freshAccount('admin'), [ADMIN_SCOPE]));

  // First requests: each of these routes may be a merchant's very first and provisions the account.
  const early = await merchant(stack, async (api) => ok(await api.get('/v1/credits'), 200));
  await merchant(stack, async (api) => ok(await api.get('/v1/credits/ledger'), 200));
  await merchant(stack, async (api) => ok(await api.get('/v1/credits/usage'), 200));
  await merchant(stack, async (api) => ok(await api.get('/v1/credits/plan-preview?plan=pro'), 200));
  await merchant(stack, async (api) => ok(await api.get('/v1/credits/top-up-packs'), 200));
  await merchant(stack, async (api) => ok(await api.get('/v1/catalog'), 200));
  await merchant(stack, async (api) => ok(await api.get('/v1/credits/top-ups'), 200));
  await merchant(stack, async (api) => ok(await api.get('/v1/credits/auto-top-up'), 200));
  await merchant(stack, async (api) => ok(await api.get('/v1/notifications'), 200));
  await merchant(stack, async (api) => ok(await api.get('/v1/blog-posts'), 200));
  await merchant(stack, async (api) => ok(await api.get('/v1/products/prod_tour/content'), 200));

  // A paid merchant: text generations (regenerated, selected), an image enhanced and selected, top-ups.
  const m = await merchant(stack, async (api) => ok(await api.get('/v1/credits'), 200), 'pro');
  // Auto top-up below 10,000 credits: the first generation requests one (its item written by generations-create).
  ok(await m.api.put('/v1/credits/auto-top-up', { enabled: true, packId: 'pack_50', thresholdCredits: 10_000, monthlyLimit: 1 }), 200);
  // A brand voice the generations below read (and keep in their environment's cache).
  ok(await m.api.put('/v1/brand-voice', { tone: 'friendly', language: 'en' }), 200);
  ok(await m.api.get('/v1/brand-voice'), 200);
  const described = await m.api.post('/v1/generations', { feature: 'product_description', productId: 'prod_tour', input: { name: 'Wool Socks', features: ['merino'] } }, { 'idempotency-key': 'tour-1' });
  ok(described, 201);
  ok(await m.api.post(`/v1/generations/${described.body.id}/regenerate`, undefined, { 'idempotency-key': 'tour-2' }), 201);
  ok(await m.api.post(`/v1/generations/${described.body.id}/select`, { index: 1 }), 200);
  ok(await m.api.get(`/v1/generations/${described.body.id}`), 200);

  const photo = await dimProductPhoto({ width: 800, height: 600 });
  const upload = await m.api.post('/v1/uploads', { contentType: 'image/jpeg', bytes: photo.length });
  ok(upload, 201);
  expect((await fetch(upload.body.uploadUrl, { method: 'PUT', body: new Uint8Array(photo), headers: { 'content-type': 'image/jpeg' } })).status).toBe(200);
  const enhanced = await m.api.post('/v1/generations', { feature: 'image_enhancement', productId: 'prod_tour', input: { uploadId: upload.body.uploadId } });
  ok(enhanced, 201);
  ok(await m.api.get(`/v1/generations/${enhanced.body.id}`), 200);
  ok(await m.api.post(`/v1/generations/${enhanced.body.id}/select`, { index: 1 }), 200);
  // Regenerating a photo reads the upload again and writes new results.
  ok(await m.api.post(`/v1/generations/${enhanced.body.id}/regenerate`), 201);
  ok(await m.api.get('/v1/products/prod_tour/content'), 200);
  ok(await m.api.get('/v1/generations?productId=prod_tour'), 200);
  // Content history: the selections above are versions; a manual edit, the history and a restore.
  ok(await m.api.put('/v1/products/prod_tour/content', { description: 'Edited by hand.' }), 200);
  const versions = await m.api.get('/v1/products/prod_tour/content/history?field=description');
  ok(versions, 200);
  ok(await m.api.post('/v1/products/prod_tour/content/restore', { versionId: versions.body.items.at(-1).versionId }), 200);

  const topUp = await m.api.post('/v1/credits/top-ups', { packId: 'pack_50' }, { 'idempotency-key': 'tour-3' });
  ok(topUp, 201);
  ok(await deliverAndSettle(stack, await billingEvent(stack, 'topup.paid', { accountId: m.id, topUpId: topUp.body.id })), 202);
  // The auto top-up the first generation requested: the billing system's answer, and the setting's view of it.
  const auto = await m.api.get('/v1/credits/auto-top-up');
  ok(auto, 200);
  expect(auto.body.pending).not.toBeNull();
  ok(await deliverAndSettle(stack, await billingEvent(stack, 'topup.failed', { accountId: m.id, topUpId: auto.body.pending.topUpId })), 202);

  // Admin: read, adjust and grant (an expiring grant also sets the account's next source-due time).
  ok(await admin.get(`/v1/admin/accounts/${m.id}/credits`), 200);
  ok(await admin.post(`/v1/admin/accounts/${m.id}/adjustments`, { amount: 5, reason: 'tour' }, { 'idempotency-key': 'tour-4' }), 201);
  const grantExpiry = new Date(Date.now() + 30 * 86_400_000).toISOString();
  ok(await admin.post(`/v1/admin/accounts/${m.id}/grants`, { amount: 5, reason: 'tour', category: 'promotional', expiresAt: grantExpiry }, { 'idempotency-key': 'tour-4g' }), 201);
  ok(await admin.get('/v1/admin/usage'), 200);

  // Outbound webhooks: an endpoint registered, an event delivered to it (its first attempt fails, so the
  // consumer also queues a retry), its log read, the endpoint listed and removed (the retry is then dropped).
  const hooks = await startReceiver([500, 200]);
  try {
    const endpoint = await admin.post('/v1/admin/webhook-endpoints', { url: hooks.url, events: ['credits.low_balance'] });
    ok(endpoint, 201);
    await outboundQueueOf(stack).enqueue([sampleEvent('credits.low_balance')]);
    // The message is queued before the send answers; idle resolves once its consumer has finished.
    await stack.queues.idle('outbound');
    expect(hooks.received).toHaveLength(1);
    ok(await admin.get(`/v1/admin/webhook-endpoints/${endpoint.body.id}/deliveries`), 200);
    ok(await admin.get('/v1/admin/webhook-endpoints'), 200);
    ok(await admin.del(`/v1/admin/webhook-endpoints/${endpoint.body.id}`), 200);
  } finally {
    await hooks.close();
  }

  // Blog: a post scheduled, one cancelled, one published by its schedule.
  const blog = await m.api.post('/v1/generations', { feature: 'blog_post', input: { topic: 'Caring for wool socks', keywords: ['wool'], tone: 'friendly', length: 'short' } });
  ok(blog, 201);
  const publishAt = new Date(Date.now() + 86_400_000).toISOString();
  const kept = await m.api.post('/v1/blog-posts', { generationId: blog.body.id, index: 0, publishAt }, { 'idempotency-key': 'tour-5' });
  ok(kept, 201);
  const dropped = await m.api.post('/v1/blog-posts', { generationId: blog.body.id, index: 1, publishAt });
  ok(dropped, 201);
  ok(await m.api.get(`/v1/blog-posts/${kept.body.id}`), 200);
  ok(await m.api.del(`/v1/blog-posts/${dropped.body.id}`), 200);
  expect(await stack.invoke('blog-publish', { accountId: m.id, postId: kept.body.id })).toMatchObject({ outcome: expect.any(String) });

  // Bulk jobs: one whose only item is throttled (the worker sends it again with a delay) and is then
  // canceled (its credit given back), one that runs and selects its variant; their reads; the products.
  text?.script('throttle', 'throttle');
  const waiting = await m.api.post('/v1/generation-jobs', { feature: 'seo_meta', items: [{ productId: 'prod_bulk_1', input: { name: 'Linen Shirt' } }] }, { 'idempotency-key': 'tour-6' });
  ok(waiting, 202);
  await stack.queues.idle('generation-jobs');
  ok(await m.api.post(`/v1/generation-jobs/${waiting.body.id}/cancel`), 200);
  const bulk = await m.api.post('/v1/generation-jobs', { feature: 'product_description', items: [{ productId: 'prod_bulk_2', input: { name: 'Linen Trousers' } }], autoSelect: 0 });
  ok(bulk, 202);
  // Runs in a beforeAll (no expect.poll there): the queue going idle means its item has ended.
  await stack.queues.idle('generation-jobs');
  expect((await m.api.get(`/v1/generation-jobs/${bulk.body.id}`)).body.status).toBe('completed');
  ok(await m.api.get(`/v1/generation-jobs/${bulk.body.id}/items`), 200);
  ok(await m.api.get('/v1/generation-jobs'), 200);
  ok(await m.api.get('/v1/products'), 200);

  // Notifications: the top-up left one; mark it read.
  const notes = await m.api.get('/v1/notifications');
  ok(notes, 200);
  ok(await m.api.post(`/v1/notifications/${notes.body.items[0].id}/read`), 200);

  // Reads of an account whose period has ended refresh it on the spot, so they write: `early` and `m`
  // are made due here (the local scheduler would run the hourly refresh first if the clock jumped).
  await makeDue(m.id);
  ok(await m.api.get(`/v1/generations/${described.body.id}`), 200);
  await makeDue(early.id);
  ok(await admin.get(`/v1/admin/accounts/${early.id}/credits`), 200);

  // A month on: the hourly refresh finds the accounts due and refreshes them. Tokens follow the service
  // clock, so none is used after the jump.
  await setClock(stack, 32 * 86_400);
  try {
    expect(await stack.invoke('monthly-refresh', {})).toMatchObject({ complete: true });
  } finally {
    await setClock(stack, 0);
  }
}
