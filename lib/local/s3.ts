/**
 * s3rver: an S3-compatible server for the local stack's uploads, data on disk under `directory`.
 * Checked with SDK v3 presigned (SigV4, query-string) PUT and GET: both work, and expiry is enforced.
 * Its limits, which only AWS (or a stricter emulator) can test: it does not verify SigV4 signatures
 * (only that the access key id exists), nor the signed Content-Type/Content-Length of a PUT, nor
 * `x-amz-checksum-*` values.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { LOCAL_S3_CREDENTIALS } from '../../functions/adapters/uploads-s3.ts';

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

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  const bucket = options.bucket ?? 'ai-credits-uploads';
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: host,
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [PERMISSIVE_CORS] }],
  });
  const address = await server.run();
  return {
    endpoint: `http://${host}:${address.port}`,
    port: address.port,
    bucket,
    credentials: LOCAL_S3_CREDENTIALS,
    async close() {
      const closed = server.close();
      // Keep-alive sockets of SDK clients and fetch would otherwise hold the close for seconds.
      server.httpServer?.closeAllConnections();
      await closed;
    },
  };
}
