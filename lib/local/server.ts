/**
 * The local API Gateway: an HTTP server that matches the routes of `lib/wiring.ts`, checks bearer
 * tokens like the HTTP API JWT authorizer (then hands the claims on in the event), builds API Gateway
 * HTTP API (v2) events and invokes the same Lambda handlers. It also serves local-only routes, the
 * merchant page and the API reference. One log line per request, in the functions' format
 * (Powertools Logger JSON, see `log.ts`), at ERROR for a 5xx.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { serviceClock } from '../../functions/core/clock.ts';
import { decodeComponent, decodeQuery } from '../../functions/http/params.ts';
import { routes, type FunctionSpec, type RouteSpec } from '../wiring.ts';
import { invoke } from './invoke.ts';
import type { LocalKeys } from './tokens.ts';

export type RequestLog = (line: Record<string, unknown>) => void;

/** A route that exists only in the local stack (never deployed). */
export interface LocalRoute {
  method: string;
  path: string;
  handle(req: LocalRequest): Promise<LocalResponse>;
}

export interface LocalRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: string;
  json<T = unknown>(): T;
  headers: IncomingMessage['headers'];
}

export interface LocalResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw text (HTML) instead of JSON. */
  text?: string;
}

/** API Gateway's own payload limit; the handlers enforce the contract's smaller one. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

interface CompiledRoute {
  method: string;
  regex: RegExp;
  names: string[];
}

function compile(path: string, method: string): CompiledRoute {
  const names: string[] = [];
  const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { method, regex: new RegExp(`^${pattern}$`), names };
}

function matchPath(c: CompiledRoute, method: string, path: string): Record<string, string> | null {
  if (c.method !== method) return null;
  const m = c.regex.exec(path);
  if (!m) return null;
  // API Gateway hands the function decoded path parameters; one that does not decode reaches the
  // handler (which refuses it with a 400) instead of failing the local server with a 500.
  return Object.fromEntries(c.names.map((n, i) => [n, decodeComponent(m[i + 1])]));
}

const errorBody = (code: string, message: string) => JSON.stringify({ error: { code, message } });

export interface LocalServerOptions {
  keys: LocalKeys;
  localRoutes: LocalRoute[];
  webDir?: string;
  log: RequestLog;
  /** Extra static handlers (API reference), tried before the web page. */
  statics?: Array<(path: string) => { type: string; body: Buffer | string } | null>;
}

export function createLocalServer(opts: LocalServerOptions): Server {
  const apiRoutes = routes().map((r) => ({ route: r, c: compile(r.path, r.method) }));
  const local = opts.localRoutes.map((r) => ({ route: r, c: compile(r.path, r.method) }));

  return createServer((req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const done = (status: number, fnId?: string) =>
      opts.log({ level: status >= 500 ? 'ERROR' : 'INFO', msg: 'request', requestId, method, path: url.pathname, status, ms: Math.round(performance.now() - started), fn: fnId });
    handle(req, res, url, method, requestId)
      .then((r) => done(r.status, r.fn))
      .catch((err) => {
        opts.log({ level: 'ERROR', msg: 'local server error', requestId, error: String(err?.stack ?? err) });
        if (!res.headersSent) send(res, 500, errorBody('INTERNAL', 'Local server error.'), { 'content-type': 'application/json' });
        else res.end();
        done(500);
      });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, method: string, requestId: string): Promise<{ status: number; fn?: string }> {
    for (const { route, c } of apiRoutes) {
      const params = matchPath(c, method, url.pathname);
      if (params) return { status: await api(req, res, url, route, params, requestId), fn: route.fn.id };
    }
    const pathMatched = apiRoutes.some(({ c }) => c.regex.test(url.pathname));
    for (const { route, c } of local) {
      const params = matchPath(c, method, url.pathname);
      if (!params) continue;
      const body = await readBody(req);
      const r = await route.handle({
        params,
        query: url.searchParams,
        body: body.toString('utf8'),
        headers: req.headers,
        json: <T,>() => (body.length ? JSON.parse(body.toString('utf8')) : {}) as T,
      });
      if (r.text !== undefined) send(res, r.status, r.text, { 'content-type': 'text/html; charset=utf-8', ...r.headers });
      else send(res, r.status, r.body === undefined ? '' : JSON.stringify(r.body), { 'content-type': 'application/json; charset=utf-8', ...r.headers });
      return { status: r.status };
    }
    if (method === 'GET' || method === 'HEAD') {
      for (const s of opts.statics ?? []) {
        const hit = s(url.pathname);
        if (hit) return (send(res, 200, hit.body, { 'content-type': hit.type }), { status: 200 });
      }
      const file = staticFile(url.pathname);
      if (file) return (send(res, 200, readFileSync(file), { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }), { status: 200 });
    }
    if (pathMatched) {
      send(res, 405, errorBody('METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}.`), { 'content-type': 'application/json' });
      return { status: 405 };
    }
    send(res, 404, errorBody('NOT_FOUND', `No route for ${method} ${url.pathname}.`), { 'content-type': 'application/json' });
    return { status: 404 };
  }

  function staticFile(pathname: string): string | null {
    if (!opts.webDir || !existsSync(opts.webDir)) return null;
    const root = resolve(opts.webDir);
    const candidate = normalize(join(root, decodeComponent(pathname)));
    if (!candidate.startsWith(root)) return null;
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    // The page uses hash routing; `/` and unknown non-API paths without an extension get the page.
    const index = join(root, 'index.html');
    if (!extname(pathname) && !pathname.startsWith('/v1/') && !pathname.startsWith('/local/') && existsSync(index)) return index;
    return null;
  }

  async function api(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: RouteSpec & { fn: FunctionSpec },
    params: Record<string, string>,
    requestId: string,
  ): Promise<number> {
    let claims: Record<string, string | number | boolean | string[]> | undefined;
    if (route.auth === 'jwt') {
      // Like the HTTP API JWT authorizer: the token is checked before the body is read or the function runs.
      const header = req.headers.authorization ?? '';
      const m = /^Bearer\s+(.+)$/i.exec(header);
      try {
        if (!m) throw new Error('missing bearer token');
        const payload = await opts.keys.verify(m[1].trim());
        claims = Object.fromEntries(
          Object.entries(payload).map(([k, v]) => [k, typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : (v as string)]),
        );
      } catch {
        req.resume();
        send(res, 401, errorBody('UNAUTHORIZED', 'A valid bearer token is required.'), { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
        return 401;
      }
      const scopes = String(claims.scope ?? '').split(' ').filter(Boolean);
      if (route.scopes?.some((s) => !scopes.includes(s))) {
        req.resume();
        send(res, 403, errorBody('FORBIDDEN', `This route needs the ${route.scopes.join(', ')} scope.`), { 'content-type': 'application/json' });
        return 403;
      }
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_REQUEST_BYTES);
    } catch {
      send(res, 413, errorBody('PAYLOAD_TOO_LARGE', 'The request body is too large.'), { 'content-type': 'application/json', connection: 'close' });
      return 413;
    }
    const now = serviceClock.now();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: decodeQuery(url.search.slice(1)),
      pathParameters: Object.keys(params).length ? params : undefined,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: '127.0.0.1',
        domainPrefix: 'local',
        http: { method: route.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId,
        routeKey: `${route.method} ${route.path}`,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes: claims ? String(claims.scope ?? '').split(' ').filter(Boolean) : [] } },
      },
      body: body.length ? body.toString('utf8') : undefined,
      isBase64Encoded: false,
    } as APIGatewayProxyEventV2WithJWTAuthorizer;
    const result = (await invoke(route.fn, event)) as APIGatewayProxyStructuredResultV2;
    const status = result.statusCode ?? 200;
    send(res, status, result.body ?? '', { ...(result.headers as Record<string, string>) });
    return status;
  }
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string>): void {
  res.writeHead(status, headers);
  res.end(body);
}

function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new Error('too large'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
