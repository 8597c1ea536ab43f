/**
 * The local stack's S3: s3rver (an S3-compatible server, data on disk under `directory`) behind a small
 * verifying proxy that checks SigV4 signatures the way S3 does (`sigv4-check.ts`). s3rver alone checks
 * only that the access key id exists, so a presigned PUT would store any file, of any type and size, under
 * any key; through the proxy a request whose key, signed Content-Type or Content-Length differ from what
 * was signed, or that arrives after its expiry, gets S3's 403 and nothing is stored. Checked with SDK v3
 * presigned (query) PUT and GET and with the SDK's header-signed calls. Still out of reach locally:
 * `x-amz-checksum-*` values and the body's own SHA-256 (the client's `x-amz-content-sha256` is trusted).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LOCAL_S3_CREDENTIALS } from '../../functions/adapters/uploads-s3.ts';
import { verifySigV4 } from './sigv4-check.ts';

/** The part of s3rver 3.7's API used here (it ships no type declarations). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: Array<{ name: string; configs?: string[] }>;
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/**
 * Any origin may PUT and GET: the local page (and a developer's own front end on another port)
 * uploads straight to presigned URLs from the browser. ETag is exposed for clients that read it.
 */
const PERMISSIVE_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface LocalS3Options {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Where objects are kept, e.g. `.data/s3`; created if missing. */
  directory: string;
  /** Created at start (kept if it exists). Defaults to the env default `ai-credits-uploads`. */
  bucket?: string;
}

export interface LocalS3 {
  /** `http://127.0.0.1:PORT`, for `S3_ENDPOINT`. */
  endpoint: string;
  port: number;
  bucket: string;
  /** What the SDK must sign with (s3rver knows this key id only). */
  credentials: typeof LOCAL_S3_CREDENTIALS;
  close(): Promise<void>;
}

const SECRETS = { [LOCAL_S3_CREDENTIALS.accessKeyId]: LOCAL_S3_CREDENTIALS.secretAccessKey };

const escapeXml = (v: string) => v.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** S3's error document; CORS headers too, so a browser's failed PUT shows its status (as S3's CORS rule does). */
function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag' });
  res.end(body);
}

/** Forwards a verified request to s3rver unchanged (same path, query and headers) and streams its answer back. */
function forward(req: IncomingMessage, res: ServerResponse, target: AddressInfo): void {
  const upstream = httpRequest({ host: target.address, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) refuse(res, 502, 'InternalError', String(error));
    else res.destroy(error);
  });
  req.pipe(upstream);
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  const bucket = options.bucket ?? 'ai-credits-uploads';
  mkdirSync(options.directory, { recursive: true });
  // s3rver listens on a private port; clients only ever get the proxy's address.
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [PERMISSIVE_CORS] }],
  });
  const inner = await server.run();
  const proxy: Server = createServer((req, res) => {
    // A CORS preflight carries the URL but none of the signed headers, and S3 answers it unauthenticated.
    if (req.method === 'OPTIONS') return forward(req, res, inner);
    const verdict = verifySigV4({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }, SECRETS);
    if (!verdict.ok) {
      // Drain what the client sends so it reads the refusal instead of a reset connection.
      req.resume();
      return refuse(res, verdict.status, verdict.code, verdict.message);
    }
    forward(req, res, inner);
  });
  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (proxy.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    bucket,
    credentials: LOCAL_S3_CREDENTIALS,
    async close() {
      const proxyClosed = new Promise<void>((resolve) => proxy.close(() => resolve()));
      proxy.closeAllConnections();
      const closed = server.close();
      // Keep-alive sockets of SDK clients and fetch would otherwise hold the close for seconds.
      server.httpServer?.closeAllConnections();
      await Promise.all([closed, proxyClosed]);
    },
  };
}
