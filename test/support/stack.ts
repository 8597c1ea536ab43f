/**
 * Test harness: a whole local stack (in-memory dynalite, real HTTP) per test file, and a tiny client
 * that calls it the way a merchant's integration would.
 */
import { afterAll, beforeAll } from 'vitest';
import { contractBreach } from './contract.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../lib/local/stack.ts';
import { applyPlan } from '../../functions/core/credits.ts';
import { deps } from '../../lib/local/deps.ts';
import type { PlanId } from '../../functions/config.ts';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Api {
  get<T = any>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  del<T = any>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
}

export async function call<T = any>(url: string, init: RequestInit): Promise<ApiResponse<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  const breach = contractBreach((init.method ?? 'GET').toUpperCase(), url, res.status, body);
  if (breach) throw new Error(`contract: ${breach}`);
  return { status: res.status, body, headers: res.headers };
}

/** A client for one account (or none: no Authorization header). */
export function apiFor(stack: LocalStack, token?: string): Api {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const req = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(`${stack.url}${path}`, {
      method,
      headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    get: (p, h) => req('GET', p, undefined, h),
    post: (p, b, h) => req('POST', p, b, h),
    put: (p, b, h) => req('PUT', p, b, h),
    del: (p, h) => req('DELETE', p, undefined, h),
  };
}

let counter = 0;
/** A fresh account id per test, so tests in one file never share balances. */
export const freshAccount = (label = 'acct'): string => `${label}_${process.pid}_${Date.now().toString(36)}_${++counter}`;

/** Starts the stack before the file's tests and stops it after them. */
export function useStack(opts: LocalStackOptions = {}) {
  const ctx = {} as {
    stack: LocalStack;
    api(accountId?: string, scopes?: string[]): Promise<Api>;
    /** A new account moved to a paid plan (as its subscription event would), and a client for it. */
    paid(plan?: Exclude<PlanId, 'free'>, label?: string): Promise<{ id: string; api: Api }>;
  };
  beforeAll(async () => {
    ctx.stack = await startLocalStack({ env: { LOG_LEVEL: 'SILENT' }, ...opts, port: 0 });
    ctx.api = async (accountId?: string, scopes?: string[]) => apiFor(ctx.stack, accountId ? await ctx.stack.token(accountId, scopes) : undefined);
    ctx.paid = async (plan = 'plus', label = 'acct') => {
      const id = freshAccount(label);
      const api = await ctx.api(id);
      await api.get('/v1/credits');
      await applyPlan(deps(), id, plan, new Date().toISOString());
      return { id, api };
    };
  });
  afterAll(async () => {
    await ctx.stack?.close();
  });
  return ctx;
}
