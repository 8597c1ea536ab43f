/**
 * Path and query parameters arrive decoded (API Gateway decodes them; so does the local server). A value
 * whose percent-encoding did not decode to UTF-8 carries U+FFFD where the bad bytes were, and no id,
 * cursor or enum of this API contains that or a control character: such a parameter is refused with a
 * 400 naming it, on every route, before any schema or store sees it.
 */
import { ValidationFailed, type ValidationIssue } from '../core/errors.ts';

const UNDECODABLE = /[\uFFFD\u0000-\u001F\u007F]/;

export function refuseUndecodable(params: Record<string, string | undefined> | undefined, query: Record<string, string | undefined> | undefined): void {
  const issues: ValidationIssue[] = [];
  for (const [prefix, values] of [['path', params], ['query', query]] as const) {
    for (const [name, value] of Object.entries(values ?? {})) {
      if (UNDECODABLE.test(name) || (value !== undefined && UNDECODABLE.test(value))) {
        issues.push({ path: `${prefix}.${UNDECODABLE.test(name) ? '(name)' : name}`, message: 'is not valid percent-encoded UTF-8 text' });
      }
    }
  }
  if (issues.length) throw new ValidationFailed(issues, 'A path or query parameter cannot be decoded.');
}

/**
 * Decodes one path segment or query component like a lenient URL parser that marks what it could not
 * decode: valid `%XX` escapes become bytes, bytes that are not UTF-8 and a `%` not followed by two hex
 * digits become U+FFFD. Never throws, unlike `decodeURIComponent` (whose URIError answered
 * `/v1/blog-posts/%ff` with a 500 in the local server).
 */
export function decodeComponent(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    const bytes: number[] = [];
    for (let i = 0; i < segment.length; i++) {
      if (segment[i] !== '%') {
        bytes.push(...Buffer.from(segment[i], 'utf8'));
      } else if (/^[0-9a-fA-F]{2}$/.test(segment.slice(i + 1, i + 3))) {
        bytes.push(parseInt(segment.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.push(0xef, 0xbf, 0xbd); // U+FFFD
      }
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
  }
}

/**
 * `queryStringParameters` as API Gateway (payload 2.0) builds them: `+` is a space, every name and
 * value decoded, repeated names joined with commas. Undefined for an empty query string.
 */
export function decodeQuery(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = decodeComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return out;
}
