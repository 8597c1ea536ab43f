/**
 * Where outbound webhooks may go, and the POST that takes them there (SSRF guard).
 *
 * An endpoint URL must be `https` and every address its host resolves to public unicast (ipaddr.js's
 * ranges: no private, loopback, link-local (the instance metadata service), carrier-grade NAT, unique-local,
 * reserved, multicast or NAT64 address). The local stack also accepts its receivers on `127.0.0.1`, and
 * only that literal host. The check runs at registration and again on every delivery, against the address
 * the connection actually uses: the host is resolved by the socket's own `lookup` hook, which refuses
 * unless every address is allowed and hands the socket the addresses it checked (so a DNS answer that
 * changed since registration, or between a check and the connect, never reaches a private address), and
 * the connected peer is checked once more. Redirects are not followed (a 3xx is a failed attempt).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { PostResult, WebhookSender } from '../core/webhook-delivery.ts';

export interface UrlPolicy {
  /** The local stack: `127.0.0.1` (http or https) is a receiver too. */
  local: boolean;
}

/** Resolves a host name to every address (node:dns `lookup` with `all`), replaceable in tests. */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

export class AddressRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressRefused';
  }
}

const LOCAL_HOST = '127.0.0.1';
/** Longest wait for a DNS answer. */
const RESOLVE_TIMEOUT_MS = 3000;

/** Why `address` may not receive deliveries, or null when it may. */
function addressProblem(address: string, hostname: string, policy: UrlPolicy): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  // process() turns an IPv4-mapped IPv6 address into its IPv4 one, so ::ffff:10.0.0.1 is private too.
  const range = ipaddr.process(address).range();
  if (range === 'unicast') return null;
  if (policy.local && hostname === LOCAL_HOST && range === 'loopback') return null;
  return `${hostname} resolves to ${address}, a ${range} address`;
}

/** The URL's form: https (or the local stack's 127.0.0.1), no credentials. Throws AddressRefused. */
function parse(url: string, policy: UrlPolicy): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AddressRefused('not an absolute URL');
  }
  if (u.username || u.password) throw new AddressRefused('the URL may not carry credentials');
  const local = policy.local && u.hostname === LOCAL_HOST;
  if (u.protocol !== 'https:' && !(local && u.protocol === 'http:')) {
    throw new AddressRefused(policy.local ? `it must be https (or http://${LOCAL_HOST}:<port> on the local stack)` : 'it must be https');
  }
  return u;
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/** Resolves the host and refuses unless every address is allowed. */
async function allowedAddresses(hostname: string, policy: UrlPolicy, resolve: Resolve): Promise<LookupAddress[]> {
  const host = bare(hostname);
  let addresses: LookupAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    // Bounded: a resolver that hangs must not hold a registration past the function's timeout.
    let timer: NodeJS.Timeout | undefined;
    try {
      addresses = await Promise.race([
        resolve(host),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), RESOLVE_TIMEOUT_MS))),
      ]);
    } catch {
      throw new AddressRefused(`${host} does not resolve`);
    } finally {
      clearTimeout(timer);
    }
  }
  if (addresses.length === 0) throw new AddressRefused(`${host} does not resolve`);
  for (const a of addresses) {
    const problem = addressProblem(a.address, host, policy);
    if (problem) throw new AddressRefused(problem);
  }
  return addresses;
}

/** The registration check: throws AddressRefused with the reason (the route answers 400 with it). */
export async function checkWebhookUrl(url: string, policy: UrlPolicy, resolve: Resolve = systemResolve): Promise<void> {
  const u = parse(url, policy);
  await allowedAddresses(u.hostname, policy, resolve);
}

/** Longest answer body read (and dropped): receivers answer small; the status is what counts. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The sender the delivering function uses. `resolve` is node:dns unless a test replaces it; the socket
 * connects only to addresses `allowedAddresses` returned for this very connection.
 */
export function makeWebhookSender(policy: UrlPolicy, resolve: Resolve = systemResolve): WebhookSender {
  return {
    async post(url, body, headers, timeoutMs): Promise<PostResult> {
      let u: URL;
      try {
        u = parse(url, policy);
        // Literal addresses never reach the lookup hook: checked here (and again at connect).
        if (isIP(bare(u.hostname))) await allowedAddresses(u.hostname, policy, resolve);
      } catch {
        return { ok: false, statusCode: null, reason: 'address' };
      }
      const host = bare(u.hostname);
      return new Promise<PostResult>((done) => {
        let settled = false;
        const finish = (r: PostResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          done(r);
        };
        // Node's lookup hook: asked with `all` (happy eyeballs) or for one address.
        const lookup = (hostname: string, options: { all?: boolean }, cb: (...a: any[]) => void) => {
          allowedAddresses(hostname, policy, resolve).then(
            (addresses) => (options?.all ? cb(null, addresses) : cb(null, addresses[0]!.address, addresses[0]!.family)),
            (err: Error) => cb(err),
          );
        };
        const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
        const req = send(
          u,
          { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, lookup: lookup as never, agent: false },
          (res: IncomingMessage) => {
            const status = res.statusCode ?? 0;
            let read = 0;
            res.on('data', (chunk: Buffer) => {
              read += chunk.length;
              if (read > MAX_ANSWER_BYTES) res.destroy();
            });
            const answer = () => finish(status >= 200 && status < 300 ? { ok: true, statusCode: status } : { ok: false, statusCode: status, reason: 'status' });
            res.on('end', answer);
            res.on('close', answer);
            res.on('error', answer);
          },
        );
        req.on('socket', (socket: Socket) => {
          socket.on('connect', () => {
            const peer = socket.remoteAddress;
            if (!peer || addressProblem(peer, host, policy)) req.destroy(new AddressRefused(`connected to ${peer ?? 'an unknown address'}`));
          });
        });
        req.on('error', (err: Error) => {
          const refused = err instanceof AddressRefused || err.name === 'AddressRefused';
          finish({ ok: false, statusCode: null, reason: refused ? 'address' : 'connection' });
        });
        const timer = setTimeout(() => {
          finish({ ok: false, statusCode: null, reason: 'timeout' });
          req.destroy();
        }, timeoutMs);
        req.end(body);
      });
    },
  };
}
