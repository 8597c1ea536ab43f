/**
 * AWS Signature Version 4 verification, as S3 does it, for the local S3's verifying proxy: the
 * signature is recomputed from the request that actually arrived (its method, path, query and the
 * values of the headers it claims to have signed), so a presigned PUT sent to another key, with another
 * Content-Type or another Content-Length, or after its expiry, is refused like S3 refuses it.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SignedRequest {
  method: string;
  /** The raw request target as received: encoded path and query. */
  url: string;
  headers: IncomingHttpHeaders;
}

export type Verdict =
  | { ok: true; signed: boolean }
  | { ok: false; status: 400 | 403; code: 'SignatureDoesNotMatch' | 'AccessDenied' | 'AuthorizationQueryParametersError' | 'InvalidAccessKeyId'; message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

/** RFC 3986 encoding, as SigV4 canonicalises query names and values. */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function parseQuery(raw: string): Array<[string, string]> {
  if (!raw) return [];
  return raw.split('&').filter(Boolean).map((pair) => {
    const i = pair.indexOf('=');
    const name = i < 0 ? pair : pair.slice(0, i);
    const value = i < 0 ? '' : pair.slice(i + 1);
    return [decodeURIComponent(name), decodeURIComponent(value)];
  });
}

/** 20260101T000000Z → epoch ms. */
function amzDateMs(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

function signature(secret: string, scope: { date: string; region: string; service: string }, amzDate: string, canonicalRequest: string): string {
  const stringToSign = [ALGORITHM, amzDate, `${scope.date}/${scope.region}/${scope.service}/aws4_request`, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, scope.date), scope.region), scope.service), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

function canonicalRequest(req: SignedRequest, path: string, query: Array<[string, string]>, signedHeaders: string[], payloadHash: string): string | { missing: string } {
  const canonicalQuery = query
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const lines: string[] = [];
  for (const name of signedHeaders) {
    const value = req.headers[name];
    // A signed header the request no longer carries (e.g. Content-Length of a chunked body) cannot match.
    if (value === undefined) return { missing: name };
    lines.push(`${name}:${[value].flat().join(',').trim().replace(/\s+/g, ' ')}`);
  }
  // S3 signs the path as sent (already URI-encoded once), without a second encoding.
  return [req.method, path || '/', canonicalQuery, `${lines.join('\n')}\n`, signedHeaders.join(';'), payloadHash].join('\n');
}

const equal = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Verifies a presigned (query) or header-signed request against `secrets` (access key id → secret).
 * A request carrying neither is `{ ok: true, signed: false }`: the caller decides (CORS preflights are such).
 */
export function verifySigV4(req: SignedRequest, secrets: Record<string, string>, now = Date.now()): Verdict {
  const [rawPath = '', rawQuery = ''] = req.url.split('?', 2) as [string, string?];
  const query = parseQuery(rawQuery ?? '');
  const get = (name: string) => query.find(([k]) => k === name)?.[1];

  const authorization = [req.headers.authorization].flat()[0];
  let credential: string;
  let signedHeaders: string[];
  let given: string;
  let amzDate: string;
  let payloadHash: string;
  let rest: Array<[string, string]>;

  if (get('X-Amz-Algorithm') !== undefined) {
    if (get('X-Amz-Algorithm') !== ALGORITHM) return { ok: false, status: 400, code: 'AuthorizationQueryParametersError', message: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"' };
    credential = get('X-Amz-Credential') ?? '';
    signedHeaders = (get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
    given = get('X-Amz-Signature') ?? '';
    amzDate = get('X-Amz-Date') ?? '';
    const expires = Number(get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
      return { ok: false, status: 400, code: 'AuthorizationQueryParametersError', message: 'X-Amz-Expires must be between 1 and 604800 seconds' };
    }
    const signedAt = amzDateMs(amzDate);
    if (Number.isNaN(signedAt)) return { ok: false, status: 400, code: 'AuthorizationQueryParametersError', message: 'X-Amz-Date must be in the ISO8601 Long Format' };
    if (now > signedAt + expires * 1000) return { ok: false, status: 403, code: 'AccessDenied', message: 'Request has expired' };
    payloadHash = 'UNSIGNED-PAYLOAD';
    rest = query.filter(([k]) => k !== 'X-Amz-Signature');
  } else if (authorization?.startsWith(`${ALGORITHM} `)) {
    const fields = Object.fromEntries(
      authorization
        .slice(ALGORITHM.length + 1)
        .split(',')
        .map((f) => f.trim().split('=', 2) as [string, string]),
    );
    credential = fields.Credential ?? '';
    signedHeaders = (fields.SignedHeaders ?? '').split(';').filter(Boolean);
    given = fields.Signature ?? '';
    amzDate = String([req.headers['x-amz-date']].flat()[0] ?? '');
    // The body's own hash is the client's claim; the SDK sends it or UNSIGNED-PAYLOAD.
    payloadHash = String([req.headers['x-amz-content-sha256']].flat()[0] ?? 'UNSIGNED-PAYLOAD');
    rest = query;
  } else {
    return { ok: true, signed: false };
  }

  const [keyId = '', date = '', region = '', service = '', terminator] = credential.split('/');
  const secret = secrets[keyId];
  if (secret === undefined) return { ok: false, status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  if (terminator !== 'aws4_request' || !amzDate.startsWith(date)) {
    return { ok: false, status: 400, code: 'AuthorizationQueryParametersError', message: 'The credential scope is malformed' };
  }
  if (!signedHeaders.includes('host')) return { ok: false, status: 400, code: 'AuthorizationQueryParametersError', message: 'Host must be a signed header' };
  const canonical = canonicalRequest(req, rawPath, rest, signedHeaders, payloadHash);
  if (typeof canonical !== 'string') {
    return { ok: false, status: 403, code: 'SignatureDoesNotMatch', message: `The request signature we calculated does not match the signature you provided: signed header ${canonical.missing} is missing` };
  }
  const expected = signature(secret, { date, region, service }, amzDate, canonical);
  if (!equal(expected, given)) {
    return { ok: false, status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' };
  }
  return { ok: true, signed: true };
}
