/**
 * RateLimit response fields: the widely used `RateLimit-Limit/Remaining/Reset` trio and the structured
 * `RateLimit-Policy` / `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers
 * (`"attempts";q=10;w=3600` and `"attempts";r=9;t=3540`).
 */
export interface RateFields {
  limit: number;
  remaining: number;
  resetSeconds: number;
  windowSeconds: number;
}

export function rateLimitHeaders(r: RateFields): Record<string, string> {
  return {
    'ratelimit-limit': String(r.limit),
    'ratelimit-remaining': String(r.remaining),
    'ratelimit-reset': String(r.resetSeconds),
    'ratelimit-policy': `"attempts";q=${r.limit};w=${r.windowSeconds}`,
    ratelimit: `"attempts";r=${r.remaining};t=${r.resetSeconds}`,
  };
}
