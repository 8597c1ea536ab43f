/**
 * The SSRF guard of outbound webhooks as deployed (AWS mode: https and public addresses only) and as the
 * local stack runs it, with real sockets to receivers on 127.0.0.1 and a stand-in DNS: the registration
 * check, and the delivery check against the address the connection uses (a DNS answer that changed since
 * registration never reaches a private address), plus the timeout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWebhookUrl, makeWebhookSender, type Resolve } from '../../functions/adapters/webhook-sender.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const AWS = { local: false };
const LOCAL = { local: true };
const PUBLIC = '93.184.216.34';

const dns = (answers: Record<string, string[]>): Resolve => async (host) => {
  const a = answers[host];
  if (!a) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return a.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const open: Array<Receiver | Server> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => ('url' in s ? s.close() : new Promise<void>((r) => s.close(() => r())))));
});
async function receiver(): Promise<Receiver> {
  const r = await startReceiver([200]);
  open.push(r);
  return r;
}
const post = (policy: { local: boolean }, url: string, resolve?: Resolve, timeoutMs = 5000) =>
  makeWebhookSender(policy, resolve).post(url, '{"id":"evt_1"}', { 'content-type': 'application/json' }, timeoutMs);

describe('registration check', () => {
  it('in AWS mode, http is refused, even to a public address, and https to a name resolving only to public addresses is accepted', async () => {
    await expect(checkWebhookUrl(`http://${PUBLIC}/hook`, AWS)).rejects.toThrow(/must be https$/);
    await expect(checkWebhookUrl('http://127.0.0.1:8080/hook', AWS)).rejects.toThrow(/must be https$/);
    await expect(checkWebhookUrl('https://hooks.example.test/x', AWS, dns({ 'hooks.example.test': [PUBLIC, '2606:4700::1111'] }))).resolves.toBeUndefined();
  });

  it.each([
    ['loopback', ['127.0.0.1']],
    ['private', ['10.1.2.3']],
    ['private', ['192.168.0.10']],
    ['linkLocal', ['169.254.169.254']],
    ['uniqueLocal', ['fd00:ec2::254']],
    ['loopback', ['::1']],
    ['private', ['::ffff:172.16.0.1']],
    ['unspecified', ['0.0.0.0']],
    // One private address among public ones is enough to refuse: the socket might pick it.
    ['private', [PUBLIC, '10.0.0.1']],
  ])('in AWS mode, a name resolving to a %s address (%j) is refused', async (range, addresses) => {
    await expect(checkWebhookUrl('https://hooks.example.test/x', AWS, dns({ 'hooks.example.test': addresses }))).rejects.toThrow(new RegExp(`a ${range} address`));
  });

  it('a name that does not resolve, or whose resolver never answers, is refused (the latter within seconds)', async () => {
    await expect(checkWebhookUrl('https://nowhere.example.test/x', AWS, dns({}))).rejects.toThrow(/does not resolve/);
    const started = Date.now();
    await expect(checkWebhookUrl('https://slow.example.test/x', AWS, () => new Promise(() => undefined))).rejects.toThrow(/does not resolve/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('on the local stack, http://127.0.0.1 is accepted, but not another loopback spelling or a name resolving there', async () => {
    await expect(checkWebhookUrl('http://127.0.0.1:9/hook', LOCAL)).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://127.0.0.2/hook', LOCAL)).rejects.toThrow(/loopback/);
    await expect(checkWebhookUrl('https://local.example.test/hook', LOCAL, dns({ 'local.example.test': ['127.0.0.1'] }))).rejects.toThrow(/loopback/);
  });
});

describe('delivery check, at the connection', () => {
  it('given a receiver on 127.0.0.1, then the local sender reaches it and the AWS sender refuses it without connecting', async () => {
    const r = await receiver();
    expect(await post(LOCAL, r.url)).toEqual({ ok: true, statusCode: 200 });
    expect(await post(AWS, r.url.replace('http:', 'https:'))).toEqual({ ok: false, statusCode: null, reason: 'address' });
    expect(r.received).toHaveLength(1);
  });

  it('given a name that resolved to a public address at registration and resolves to the receiver on 127.0.0.1 at delivery (DNS rebinding), then the delivery is refused and nothing reaches the receiver', async () => {
    const r = await receiver();
    const port = new URL(r.url).port;
    let calls = 0;
    const rebinding: Resolve = async () => (++calls === 1 ? [{ address: PUBLIC, family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const url = `https://rebind.example.test:${port}/hooks`;
    await expect(checkWebhookUrl(url, AWS, rebinding)).resolves.toBeUndefined();
    expect(await post(AWS, url, rebinding)).toEqual({ ok: false, statusCode: null, reason: 'address' });
    // The socket's own lookup asked the resolver (a connection that resolved elsewhere would not have).
    expect(calls).toBe(2);
    expect(r.received).toHaveLength(0);
  });

  it('given a receiver that answers 3xx, then the attempt failed (redirects are not followed)', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
      res.end();
    });
    open.push(server);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    expect(await post(LOCAL, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).toEqual({ ok: false, statusCode: 302, reason: 'status' });
  });

  it('given a receiver that never answers, then the attempt is a timeout with no status', async () => {
    const server = createServer(() => undefined);
    open.push(server);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const started = Date.now();
    expect(await post(LOCAL, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, undefined, 300)).toEqual({ ok: false, statusCode: null, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
    server.closeAllConnections();
  });

  it('given nothing listening, then the attempt is a connection failure with no status', async () => {
    expect(await post(LOCAL, 'http://127.0.0.1:9/')).toEqual({ ok: false, statusCode: null, reason: 'connection' });
  });
});
