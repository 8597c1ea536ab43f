/**
 * Browser test harness for test/e2e: the real local stack (in memory, random port) or, with
 * `E2E_BASE_URL=http://127.0.0.1:3000`, an already running one (`npm start`); Debian's Chromium
 * driven by playwright-core; fresh accounts, their tokens and API calls; the local routes (service
 * clock, plan); screenshots under test-output/screenshots/.
 *
 * A test file declares its suite with `describeInBrowser`, which starts the stack and the browser
 * before its tests and closes both after them. Each test file runs in its own module instance, so
 * the state below is the file's own.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Response } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'];
const EXTERNAL = process.env.E2E_BASE_URL?.replace(/\/$/, '');
export const SHOTS = join(ROOT, 'test-output', 'screenshots');
export const DESKTOP = { width: 1440, height: 900 };
/** A phone in portrait (an iPhone 12–15 class screen). */
export const PHONE = { width: 390, height: 844 };

export type Plan = 'free' | 'plus' | 'pro' | 'premium';

export interface ApiResult<T = any> {
  status: number;
  body: T;
}

export interface Opened {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page (`pageerror`). */
  errors: string[];
}

let base = '';
let browser: Browser | undefined;
let closeStack: (() => Promise<void>) | undefined;
const contexts: BrowserContext[] = [];
let accountPrefix = 'acct_e2e';
let seq = 0;

// ---- Suite ----------------------------------------------------------------------------------------

/**
 * Declares a suite that runs in the browser. Without a browser it is skipped with a warning on a
 * developer's machine; in CI (`CI` set) it runs and fails, never skips.
 */
export function describeInBrowser(name: string, opts: { accountPrefix?: string }, body: () => void): void {
  accountPrefix = opts.accountPrefix ?? accountPrefix;
  if (!existsSync(CHROMIUM) && !process.env.CI) {
    console.warn(`${name}: skipped, no browser at ${CHROMIUM} (set CHROMIUM_PATH)`);
    describe.skip(name, body);
    return;
  }
  describe(name, () => {
    beforeAll(start);
    afterAll(stop);
    body();
  });
}

async function start(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH`);
  mkdirSync(SHOTS, { recursive: true });
  if (EXTERNAL) {
    base = EXTERNAL;
  } else {
    // The suite's global setup builds the page once (WEB_BUILT=1); a lone run builds it here.
    if (process.env.WEB_BUILT !== '1') {
      const { build } = await import('vite');
      await build({ root: join(ROOT, 'web'), configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
    }
    const { startLocalStack } = await import('../../lib/local/stack.ts');
    const stack = await startLocalStack({ port: 0, webDir: join(ROOT, 'web', 'dist'), env: { LOG_LEVEL: 'SILENT' } });
    base = stack.url;
    closeStack = () => stack.close();
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

async function stop(): Promise<void> {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  await browser?.close();
  if (base) await setClock(0).catch(() => undefined);
  await closeStack?.();
}

// ---- Stack and API ----------------------------------------------------------------------------------

/** The stack's origin (the page and the API), once the suite has started. */
export function baseUrl(): string {
  return base;
}

/** The page as an account (local mode), on a route. */
export function appUrl(accountId: string, route: string): string {
  return `${base}/?account=${encodeURIComponent(accountId)}#/${route}`;
}

/** A fresh account per test: accounts are created lazily on their first request. */
export function newAccount(label: string): string {
  return `${accountPrefix}_${label}_${Date.now().toString(36)}${(seq++).toString(36)}`;
}

export async function tokenFor(accountId: string, scopes?: string[]): Promise<string> {
  const res = await fetch(`${base}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId, scopes }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** Calls the API as the account (a fresh token each time: the service clock may have moved). */
export async function api<T = any>(accountId: string, method: string, path: string, body?: unknown, scopes?: string[]): Promise<ApiResult<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${await tokenFor(accountId, scopes)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** POSTs to a local-only route (`/local/...`), which must accept it. */
export async function local(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, `${path} answered ${res.status}`).toBeLessThan(300);
}

/** Moves the service clock to `offsetSeconds` ahead of real time (0: real time). */
export async function setClock(offsetSeconds: number): Promise<void> {
  await local('/local/clock', { offsetSeconds });
}

/** Switches the plan through the local billing route and waits until it applies. */
export async function setPlan(accountId: string, plan: Plan): Promise<void> {
  await api(accountId, 'GET', '/v1/credits');
  await local(`/local/accounts/${accountId}/plan`, { plan });
  await expect.poll(async () => (await api(accountId, 'GET', '/v1/credits')).body.plan, { timeout: 15_000 }).toBe(plan);
}

// ---- Browser ----------------------------------------------------------------------------------------

/** A new browser context, closed with the suite. */
export async function newContext(viewport = DESKTOP): Promise<BrowserContext> {
  if (!browser) throw new Error('the browser is not started: declare the suite with describeInBrowser');
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  return context;
}

/** Opens the page as an account, on a route, and waits for the balance to show. */
export async function open(accountId: string, route = 'product', viewport = DESKTOP): Promise<Opened> {
  const context = await newContext(viewport);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(appUrl(accountId, route));
  await expectText(page.getByTestId('credits-count'), /^\d+$/);
  return { context, page, errors };
}

/** Waits until the first element's trimmed text matches. */
export async function expectText(locator: Locator, expected: string | RegExp, timeout = 20_000): Promise<void> {
  await expect.poll(async () => ((await locator.first().textContent().catch(() => null)) ?? '').trim(), { timeout }).toMatch(expected);
}

/** Clicks a charged button and returns the `POST /v1/generations` response the click causes. */
export async function clickToGenerate(page: Page, testId: string): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/generations') && r.request().method() === 'POST'),
    page.getByTestId(testId).click(),
  ]);
  return response;
}

/** A marker on `window`: still there later means the page did not reload. */
export async function markNoReload(page: Page): Promise<() => Promise<void>> {
  await page.evaluate(() => ((window as unknown as { __e2eMarker: number }).__e2eMarker = 42));
  return async () => expect(await page.evaluate(() => (window as unknown as { __e2eMarker?: number }).__e2eMarker)).toBe(42);
}

/** Waits until the image has loaded and returns its natural size. */
export async function imageLoaded(img: Locator): Promise<{ width: number; height: number }> {
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 30_000 }).toBe(true);
  return img.evaluate((el: HTMLImageElement) => ({ width: el.naturalWidth, height: el.naturalHeight }));
}

// ---- Screenshots ------------------------------------------------------------------------------------

/** test-output/screenshots/<name>.png from the top of the page: the whole page, or the first screen. */
export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** test-output/screenshots/<name>.png of the screen as it is scrolled now. */
export async function shotHere(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

// ---- Accessibility --------------------------------------------------------------------------------

/**
 * Runs axe-core (WCAG 2.0–2.2 A/AA rules and best practices) on the page as it is now, or on one part
 * of it (a dialog), and fails on any serious or critical violation, naming each with its elements.
 */
export async function expectAccessible(page: Page, label: string, include?: string): Promise<void> {
  // The settled page, not a frame of a dialog's fade-in: mid-animation opacity lowers every contrast.
  // Endless animations (a spinner) never settle and are left running.
  await page.waitForFunction(
    () => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
    undefined,
    { timeout: 10_000 },
  );
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').join(' ')}`).join('\n')}`);
  expect(report, `${label}: accessibility violations`).toEqual([]);
}
