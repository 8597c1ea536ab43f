/**
 * The API client: one `request` that adds the bearer token, reads the error envelope into an
 * `ApiError`, and records what every response says about credits and rate limits.
 */
import { getState, setState } from './store.ts';
import type {
  ApiErrorBody,
  AppNotification,
  AutoTopUp,
  AutoTopUpRequest,
  BlogPost,
  BrandVoice,
  BrandVoiceRequest,
  Catalog,
  ContentChange,
  ContentField,
  ContentVersion,
  CreditsView,
  FeatureId,
  Generation,
  GenerationJob,
  GenerationJobCreated,
  JobFeature,
  JobItemRequest,
  ProductListItem,
  GenerationSummary,
  InputOf,
  LedgerItem,
  ListedTopUp,
  Page,
  PlanId,
  PlanPreview,
  ProductContent,
  RuntimeConfig,
  TopUp,
  Upload,
  Usage,
  UsageGroupBy,
} from './types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    readonly headers: Headers,
  ) {
    super(body.message);
  }
  get code(): string {
    return this.body.code;
  }
}

const TOKEN_KEY = 'aiCreditsToken';
let token: string | null = null;

/**
 * aws mode: the host platform opens the page with the merchant's token in the URL *fragment*,
 * `https://…/#token=<jwt>` (optionally `&route=/settings`). A fragment is never sent to a server, so the
 * token reaches no CloudFront log and no Referer; the page moves it to sessionStorage and out of the
 * address bar (and this history entry) before anything renders. A token in the query string (`?token=`)
 * is not used (it was already logged by the CDN on the way in), only removed from the address bar.
 */
export function takeHostToken(): void {
  const url = new URL(location.href);
  const fragment = new URLSearchParams(url.hash.startsWith('#token=') ? url.hash.slice(1) : '');
  const fromFragment = fragment.get('token');
  if (fromFragment) sessionStorage.setItem(TOKEN_KEY, fromFragment);
  if (!fromFragment && !url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  const route = fromFragment ? fragment.get('route') : null;
  const hash = fromFragment ? (route && /^\/[a-z-]*$/.test(route) ? `#${route}` : '') : url.hash;
  history.replaceState(null, '', url.pathname + url.search + hash);
}

function hostToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function localToken(accountId: string): Promise<string> {
  const res = await fetch(`${getState().config.apiBaseUrl}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  if (!res.ok) throw await toError(res);
  return ((await res.json()) as { token: string }).token;
}

let tokenRequest: Promise<string> | null = null;

async function ensureToken(refresh = false): Promise<string> {
  if (token && !refresh) return token;
  // The first calls of a page start together (catalog, credits): they share one token request.
  tokenRequest ??= newToken().finally(() => {
    tokenRequest = null;
  });
  return tokenRequest;
}

async function newToken(): Promise<string> {
  const { config, accountId } = getState();
  token = config.mode === 'local' ? await localToken(accountId) : hostToken();
  if (!token) {
    throw new ApiError(401, { code: 'UNAUTHORIZED', message: 'No session token: open this page from your store admin.' }, new Headers());
  }
  return token;
}

/** Forget the token (the account changed). */
export function resetToken(): void {
  token = null;
  tokenRequest = null;
}

async function toError(res: Response): Promise<ApiError> {
  let body: ApiErrorBody = { code: `HTTP_${res.status}`, message: `The server answered ${res.status}.` };
  try {
    const json = (await res.json()) as { error?: ApiErrorBody };
    if (json && json.error && typeof json.error.code === 'string') body = json.error;
  } catch {
    // Not JSON (a proxy page, an empty body): keep the generic message.
  }
  return new ApiError(res.status, body, res.headers);
}

function recordRateLimit(headers: Headers): void {
  const limit = Number(headers.get('RateLimit-Limit'));
  const remaining = Number(headers.get('RateLimit-Remaining'));
  if (headers.has('RateLimit-Limit') && headers.has('RateLimit-Remaining') && Number.isFinite(limit) && Number.isFinite(remaining)) {
    setState({ attempts: { limit, remaining } });
  }
}

export function idempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
  /** Local-only routes take no bearer token. */
  auth?: boolean;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const send = async (refresh: boolean): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.auth !== false) headers.authorization = `Bearer ${await ensureToken(refresh)}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    return fetch(`${getState().config.apiBaseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  };
  let res = await send(false);
  // Local tokens follow the service clock; after a clock jump a fresh one is one request away.
  if (res.status === 401 && opts.auth !== false && getState().config.mode === 'local') res = await send(true);
  if (path.startsWith('/v1/generations')) recordRateLimit(res.headers);
  if (!res.ok) {
    const err = await toError(res);
    if (err.code === 'INSUFFICIENT_CREDITS' && typeof err.body.available === 'number') setAvailable(err.body.available);
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Every generation response carries the balance; the nav button follows it without a reload. */
export function setAvailable(available: number): void {
  setState((s) => (s.credits ? { credits: { ...s.credits, credits: { ...s.credits.credits, available } } } : {}));
}

const enc = encodeURIComponent;

export const api = {
  catalog: () => request<Catalog>('GET', '/v1/catalog'),
  credits: () => request<CreditsView>('GET', '/v1/credits'),
  ledger: (limit: number, cursor?: string | null) =>
    request<Page<LedgerItem>>('GET', `/v1/credits/ledger?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`),
  /** What changing to `plan` now would leave; changes nothing. */
  planPreview: (plan: PlanId) => request<PlanPreview>('GET', `/v1/credits/plan-preview?plan=${enc(plan)}`),
  /** Usage over the current period (the service's default range) by `groupBy`. */
  usage: (groupBy: UsageGroupBy) => request<Usage>('GET', `/v1/credits/usage?groupBy=${enc(groupBy)}`),
  createTopUp: (packId: string, key: string) =>
    request<TopUp>('POST', '/v1/credits/top-ups', { body: { packId }, idempotencyKey: key }),
  autoTopUp: () => request<AutoTopUp>('GET', '/v1/credits/auto-top-up'),
  saveAutoTopUp: (setting: AutoTopUpRequest) => request<AutoTopUp>('PUT', '/v1/credits/auto-top-up', { body: setting }),
  topUps: () => request<Page<ListedTopUp> | ListedTopUp[]>('GET', '/v1/credits/top-ups'),

  generate: <F extends FeatureId>(feature: F, input: InputOf<F>, productId?: string) =>
    request<Generation<F>>('POST', '/v1/generations', {
      body: productId ? { feature, productId, input } : { feature, input },
      idempotencyKey: idempotencyKey(),
    }),
  regenerate: <F extends FeatureId>(id: string) =>
    request<Generation<F>>('POST', `/v1/generations/${enc(id)}/regenerate`, { body: {}, idempotencyKey: idempotencyKey() }),
  generation: <F extends FeatureId>(id: string) => request<Generation<F>>('GET', `/v1/generations/${enc(id)}`),
  select: <F extends FeatureId>(id: string, index: number) =>
    request<Generation<F>>('POST', `/v1/generations/${enc(id)}/select`, { body: { index } }),

  /** The account's generations of one product and feature, newest first (kept unselected for the generation TTL). */
  generations: (productId: string, feature: FeatureId, limit: number, cursor?: string | null) =>
    request<Page<GenerationSummary>>(
      'GET',
      `/v1/generations?productId=${enc(productId)}&feature=${enc(feature)}&limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`,
    ),

  /** The account's products with stored content, a page at a time. */
  products: (cursor?: string | null) => request<Page<ProductListItem>>('GET', `/v1/products?limit=100${cursor ? `&cursor=${enc(cursor)}` : ''}`),
  createJob: (body: { feature: JobFeature; items: JobItemRequest[]; skipExisting: boolean; autoSelect: 0 | null }, key: string) =>
    request<GenerationJobCreated>('POST', '/v1/generation-jobs', { body, idempotencyKey: key }),
  job: (id: string) => request<GenerationJob>('GET', `/v1/generation-jobs/${enc(id)}`),
  cancelJob: (id: string) => request<GenerationJob>('POST', `/v1/generation-jobs/${enc(id)}/cancel`, { body: {} }),

  productContent: (productId: string) => request<ProductContent>('GET', `/v1/products/${enc(productId)}/content`),
  contentHistory: (productId: string, field: ContentField, cursor?: string | null) =>
    request<Page<ContentVersion>>('GET', `/v1/products/${enc(productId)}/content/history?field=${enc(field)}${cursor ? `&cursor=${enc(cursor)}` : ''}`),
  /** A manual edit, free: each field given becomes a version. */
  editContent: (productId: string, edit: { description?: string; seo?: { title: string; description: string } }) =>
    request<ContentChange>('PUT', `/v1/products/${enc(productId)}/content`, { body: edit }),
  /** Free: the version's value becomes current again, as a new version. */
  restoreContent: (productId: string, versionId: string) =>
    request<ContentChange>('POST', `/v1/products/${enc(productId)}/content/restore`, { body: { versionId } }),

  createUpload: (contentType: string, bytes: number) => request<Upload>('POST', '/v1/uploads', { body: { contentType, bytes } }),

  brandVoice: () => request<BrandVoice>('GET', '/v1/brand-voice'),
  saveBrandVoice: (voice: BrandVoiceRequest) => request<BrandVoice>('PUT', '/v1/brand-voice', { body: voice }),

  notifications: () => request<Page<AppNotification>>('GET', '/v1/notifications'),
  markRead: (id: string) => request<unknown>('POST', `/v1/notifications/${enc(id)}/read`, { body: {} }),

  blogPosts: () => request<Page<BlogPost> | BlogPost[]>('GET', '/v1/blog-posts'),
  schedulePost: (generationId: string, index: number, publishAt: string) =>
    request<BlogPost>('POST', '/v1/blog-posts', { body: { generationId, index, publishAt } }),
  cancelPost: (id: string) => request<unknown>('DELETE', `/v1/blog-posts/${enc(id)}`),

  local: {
    setPlan: (accountId: string, plan: PlanId) =>
      request<unknown>('POST', `/local/accounts/${enc(accountId)}/plan`, { body: { plan }, auth: false }),
    setClock: (offsetSeconds: number) => request<unknown>('POST', '/local/clock', { body: { offsetSeconds }, auth: false }),
  },
};

/** Lists answer `{items}`; accept a bare array too. */
export function itemsOf<T>(page: Page<T> | T[]): T[] {
  return Array.isArray(page) ? page : page.items ?? [];
}

/** PUT the file to the presigned URL (S3 in AWS, the local S3-compatible server locally). */
export async function putUpload(url: string, file: Blob, contentType: string): Promise<void> {
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': contentType }, body: file });
  if (!res.ok) {
    throw new ApiError(res.status, { code: 'UPLOAD_FAILED', message: `The photo upload failed (${res.status}).` }, res.headers);
  }
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (res.ok) {
      const json = (await res.json()) as Partial<RuntimeConfig> & { apiUrl?: string };
      return {
        // A config.json without a mode comes from a deployment (the local stack always says "local").
        mode: json.mode === 'local' ? 'local' : 'aws',
        // `apiUrl` is accepted too: the CDK deployment writes that name.
        apiBaseUrl: (json.apiBaseUrl ?? json.apiUrl ?? '').replace(/\/$/, ''),
        upgradeUrl: json.upgradeUrl,
      };
    }
  } catch {
    // No config.json (a bare static server): assume the local stack on the same origin.
  }
  return { mode: 'local', apiBaseUrl: '' };
}
