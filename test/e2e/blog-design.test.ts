/**
 * The Blog and Website Design pages in a real browser against the real local stack (in memory, random
 * port, the in-process scheduler on the service clock), as a new merchant would use them. The harness
 * is test/support/browser.ts; screenshots land in test-output/screenshots/ (prefix `blog-design-`).
 *
 * `E2E_BASE_URL=http://127.0.0.1:3000` runs the same tests against an already running stack (`npm start`).
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, appUrl, clickToGenerate, describeInBrowser, expectAccessible, expectText, newAccount, open, setClock, setPlan, shot, shotHere } from '../support/browser.ts';

const HOUR = 3600_000;

/** What the date-time picker takes (`YYYY-MM-DDTHH:MM`, the browser's local time) for now + `ms`, and its ISO instant. */
async function pickerValue(page: Page, ms: number): Promise<{ value: string; iso: string }> {
  return page.evaluate((ahead) => {
    const d = new Date(Date.now() + ahead);
    const p = (n: number) => String(n).padStart(2, '0');
    const value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    return { value, iso: new Date(value).toISOString() };
  }, ms);
}

/** Channels 0–255 of a computed CSS colour: `rgb(r, g, b)` or, for color-mix(), `color(srgb r g b)` (0–1). */
function channels(css: string): number[] {
  const n = (css.match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);
  return css.startsWith('color(srgb') ? n.slice(0, 3).map((c) => c * 255) : n.slice(0, 3);
}

/** WCAG 2 contrast of two computed CSS colours. */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = channels(css).map((c) => c / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const rgbOf = (hex: string) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;

describeInBrowser('blog and website design pages (browser, local stack)', { accountPrefix: 'acct_e2e_bd' }, () => {
  it('given a paid merchant, when it writes a post, compares the two rendered drafts, schedules draft 2 with the picker and cancels another, then moving the clock a day publishes the first only, with a notification', async () => {
    const account = newAccount('blog');
    await setPlan(account, 'pro');
    const { page, errors } = await open(account, 'blog');
    const schedulePosts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/blog-posts') schedulePosts.push(r.postData() ?? '');
    });
    try {
      await page.getByTestId('blog-topic').fill('Caring for stoneware mugs');
      await page.getByTestId('blog-keywords').fill('stoneware, mug care');
      await page.getByTestId('blog-length').selectOption('short');
      await expectText(page.getByTestId('generate-blog'), /3 credits/);
      const response = await clickToGenerate(page, 'generate-blog');
      const generation = await response.json();
      expect(response.status()).toBe(201);
      await page.getByTestId('variant-blog-1').waitFor({ timeout: 30_000 });
      await expectText(page.getByTestId('credits-count'), /^197$/);

      // Both drafts are rendered markdown, side by side, and they differ.
      for (const i of [0, 1]) {
        const card = page.getByTestId(`variant-blog-${i}`);
        await expectText(card.getByTestId('blog-draft-title'), generation.variants[i].title);
        const body = card.getByTestId('blog-draft-body');
        await body.waitFor();
        expect(await body.locator('h2').count()).toBeGreaterThan(0);
        expect(await body.locator('p').count()).toBeGreaterThan(1);
        expect(await body.locator('script, iframe, img, [onerror]').count()).toBe(0);
        expect(await body.textContent()).not.toMatch(/##|\*\*/);
      }
      const boxes = await Promise.all([0, 1].map((i) => page.getByTestId(`variant-blog-${i}`).boundingBox()));
      expect(boxes[0]!.y).toBe(boxes[1]!.y);
      expect(boxes[0]!.x).toBeLessThan(boxes[1]!.x);
      expect(generation.variants[0].bodyMarkdown).not.toBe(generation.variants[1].bodyMarkdown);
      await shot(page, 'blog-design-01-drafts');

      // Pick draft 2 (variant 1) and schedule it for tomorrow morning with the date-time picker.
      await page.getByTestId('variant-blog-1-select').click();
      const form = page.getByTestId('blog-schedule-form');
      await form.waitFor();
      await expectText(form, new RegExp(escapeRegExp(generation.variants[1].title)));
      const picker = page.getByTestId('blog-publish-at');
      expect(await picker.getAttribute('type')).toBe('datetime-local');
      const first = await pickerValue(page, 20 * HOUR);
      await picker.fill(first.value);
      await page.getByTestId('blog-schedule').click();
      await page.getByTestId('toast-success').filter({ hasText: 'Post scheduled' }).waitFor();
      const items = page.getByTestId('blog-post-item');
      await expect.poll(() => items.count()).toBe(1);
      expect(await items.first().getAttribute('data-status')).toBe('scheduled');
      await expectText(items.first(), new RegExp(escapeRegExp(generation.variants[1].title)));
      const { body: listed } = await api(account, 'GET', '/v1/blog-posts');
      expect(listed.items).toEqual([expect.objectContaining({ status: 'scheduled', index: 1, publishAt: first.iso, generationId: generation.id })]);
      const firstId = listed.items[0].id as string;

      // The same draft cannot be scheduled twice: the button says so and stays disabled, and a submit of the
      // form anyway sends nothing (every POST is counted; by the end of the test exactly two were sent).
      const button = page.getByTestId('blog-schedule');
      await expectText(button, /^Scheduled$/);
      expect(await button.isDisabled()).toBe(true);
      await expectText(page.getByTestId('blog-schedule-note'), /Cancel that post/);
      await form.evaluate((f) => (f as HTMLFormElement).requestSubmit());
      await expectText(button, /^Scheduled$/);

      // Another one, draft 1 a little later, then cancel it.
      await page.getByTestId('variant-blog-0-select').click();
      await expectText(form, new RegExp(escapeRegExp(generation.variants[0].title)));
      await expectText(button, /^Schedule$/);
      expect(await button.isDisabled()).toBe(false);
      const second = await pickerValue(page, 22 * HOUR);
      await picker.fill(second.value);
      await page.getByTestId('blog-schedule').click();
      await expect.poll(() => page.locator('[data-testid="blog-post-item"][data-status="scheduled"]').count()).toBe(2);
      await shot(page, 'blog-design-02-two-scheduled');
      const other = items.filter({ hasText: generation.variants[0].title });
      await other.getByTestId('blog-post-cancel').click();
      await page.getByTestId('toast-info').filter({ hasText: 'Post canceled' }).waitFor();
      await expect.poll(() => items.count()).toBe(1);
      // Canceled, draft 1 can be scheduled again.
      await expectText(button, /^Schedule$/);
      expect(schedulePosts).toHaveLength(2);
      const { body: canceled } = await api(account, 'GET', '/v1/blog-posts?status=canceled');
      expect(canceled.items).toEqual([expect.objectContaining({ status: 'canceled', index: 0, publishAt: second.iso })]);
      await shot(page, 'blog-design-03-scheduled');

      // A day later on the service clock, past both times: the scheduled post is live, the canceled one is not.
      await page.getByTestId('dev-clock-1d').click();
      await expectText(page.getByTestId('dev-clock-offset'), /^\+1d$/);
      // At once, not at the page's next 15 s poll: the clock move itself makes the list reload.
      await page.locator('[data-testid="blog-post-item"][data-status="published"]').waitFor({ timeout: 5_000 });
      await expectText(page.locator('[data-testid="blog-post-item"][data-status="published"]'), /Published/);
      expect((await api(account, 'GET', `/v1/blog-posts/${firstId}`)).body).toMatchObject({ status: 'published', bodyMarkdown: generation.variants[1].bodyMarkdown });
      expect((await api(account, 'GET', `/v1/blog-posts/${canceled.items[0].id}`)).body.status).toBe('canceled');
      await shot(page, 'blog-design-04-published');

      // The notification says so, on the Settings page.
      await page.goto(appUrl(account, 'settings'));
      const note = page.locator('[data-testid="notification-item"][data-type="blog_published"]');
      await note.waitFor();
      expect(await note.count()).toBe(1);
      await expectText(note, new RegExp(escapeRegExp(generation.variants[1].title)));
      await page.getByTestId('notifications').scrollIntoViewIfNeeded();
      await shotHere(page, 'blog-design-05-notification');
      expect(errors).toEqual([]);
    } finally {
      await setClock(0);
    }
  });

  it('given a paid merchant, when it generates a website design, then two live previews show in their own palettes and fonts, text readable on the background, hero first', async () => {
    const account = newAccount('design');
    await setPlan(account, 'pro');
    const { page, errors } = await open(account, 'design');
    await expectText(page.getByTestId('generate-design'), /2 credits/);
    const response = await clickToGenerate(page, 'generate-design');
    const generation = await response.json();
    await page.getByTestId('variant-design-1').waitFor();
    await expectText(page.getByTestId('credits-count'), /^198$/);

    const backgrounds: string[] = [];
    for (const v of generation.variants as Array<{ index: number; palette: Record<string, string>; fonts: { heading: string }; sections: Array<{ type: string; headline: string }> }>) {
      const preview = page.getByTestId(`variant-design-${v.index}`).getByTestId('design-preview');
      await preview.waitFor();
      const pageEl = preview.locator('.mp-page');
      const { bg, color } = await pageEl.evaluate((el) => ({ bg: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color }));
      expect(bg).toBe(rgbOf(v.palette.background));
      expect(color).toBe(rgbOf(v.palette.text));
      expect(contrast(color, bg)).toBeGreaterThanOrEqual(4.5);
      // Body copy of each section is readable on what it sits on: the page or a tinted band (the hero's
      // gradient starts from the primary colour, so its copy is checked against that).
      for (const p of await pageEl.locator('section:not(.mp-hero) p').all()) {
        const pair = await p.evaluate((el) => {
          const clear = (c: string) => /rgba\(0, 0, 0, 0\)|transparent|\/ 0\)$/.test(c);
          let node: Element | null = el;
          let back = 'rgba(0, 0, 0, 0)';
          while (node && clear(back)) {
            back = getComputedStyle(node).backgroundColor;
            node = node.parentElement;
          }
          return { fg: getComputedStyle(el).color, back };
        });
        expect(contrast(pair.fg, pair.back), JSON.stringify(pair)).toBeGreaterThanOrEqual(4.5);
      }
      const heroText = await pageEl.locator('.mp-hero p').evaluate((el) => getComputedStyle(el).color);
      expect(contrast(heroText, rgbOf(v.palette.primary)), heroText).toBeGreaterThanOrEqual(4.5);
      expect(await pageEl.locator(':scope > section').count()).toBe(v.sections.length);
      expect(await pageEl.locator(':scope > section').first().getAttribute('class')).toContain('mp-hero');
      await expectText(pageEl.locator('.mp-hero .mp-h'), v.sections[0].headline);
      expect(await pageEl.locator('.mp-hero .mp-h').evaluate((el) => getComputedStyle(el).fontFamily)).toContain(v.fonts.heading);
      backgrounds.push(bg);
    }
    expect(generation.variants[0].palette).not.toEqual(generation.variants[1].palette);
    await page.getByTestId('variant-design-1').scrollIntoViewIfNeeded();
    await shot(page, 'blog-design-06-website-design');
    await page.getByTestId('variant-design-1-select').click();
    await expectText(page.getByTestId('variant-design-1-select'), 'Selected');
    expect(errors).toEqual([]);
  });

  it('given a free merchant, when it asks for a blog post or a website design, then the upgrade dialog opens and no credit is spent', async () => {
    const account = newAccount('free');
    const { page } = await open(account, 'blog');
    await expectText(page.getByTestId('credits-count'), /^25$/);
    await page.getByTestId('generate-blog').click();
    await page.getByTestId('upgrade-modal').waitFor();
    await shot(page, 'blog-design-07-free-upgrade', false);
    await page.getByTestId('upgrade-modal-close').click();
    await page.goto(appUrl(account, 'design'));
    await page.getByTestId('generate-design').click();
    await page.getByTestId('upgrade-modal').waitFor();
    await expectText(page.getByTestId('credits-count'), /^25$/);
    expect((await api(account, 'GET', '/v1/credits')).body.credits.available).toBe(25);
  });

  it('given the blog form without a topic, then the button says why it waits; and each long draft can be scrolled from the keyboard', async () => {
    const account = newAccount('blog_reason');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account, 'blog');
    await page.getByTestId('blog-topic').fill('');
    expect(await page.getByTestId('generate-blog').getAttribute('aria-disabled')).toBe('true');
    await expectText(page.getByTestId('generate-blog-reason'), /Enter a topic to generate/);
    await page.getByTestId('blog-topic').fill('Caring for stoneware');
    await page.getByTestId('generate-blog').click();
    await page.getByTestId('variant-blog-1').waitFor({ timeout: 30_000 });
    // The scrolling draft body takes focus, named for its draft, so arrow keys can read it all.
    const body = page.getByTestId('variant-blog-0').locator('.draft-body');
    await body.focus();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Draft 1, full text');
    expect(errors).toEqual([]);
  });

  it('given a proposed palette of mid-tones that neither black nor white reads on, then the preview keeps its hues but every label in it reaches AA (axe: no contrast violation)', async () => {
    const account = newAccount('design_contrast');
    await setPlan(account, 'pro');
    const { page, errors } = await open(account, 'design');
    // The model may propose any colours: these are ones where black and white both fall short of 4.5:1.
    const palettes = [
      { primary: '#be5c77', secondary: '#7a8a99', accent: '#be5c77', background: '#ffffff', text: '#8a8a8a' },
      { primary: '#808080', secondary: '#6c757d', accent: '#e07a5f', background: '#1a1a2e', text: '#5a5a6e' },
    ];
    await page.route('**/v1/generations', async (route) => {
      const res = await route.fetch();
      const json = await res.json();
      // Every kind of section, so each tinted one is drawn (the generator picks a few).
      const sections = ['hero', 'featured_products', 'testimonials', 'newsletter', 'faq', 'about'].map((type) => ({
        type,
        headline: `A ${type.replace('_', ' ')} headline`,
        body: 'A sentence of body text to read.',
        cta: 'Shop now',
      }));
      json.variants = json.variants.map((v: Record<string, unknown>, i: number) => ({ ...v, palette: palettes[i % 2], sections }));
      await route.fulfill({ response: res, json });
    });
    await page.getByTestId('generate-design').click();
    await page.getByTestId('variant-design-1').waitFor();
    for (let i = 0; i < 2; i++) await expectAccessible(page, `design proposal ${i + 1}`, `[data-testid="variant-design-${i}"] [data-testid="design-preview"]`);
    // The same hue, shaded: the call to action is still the proposal's pink, a little lighter or darker.
    const cta = await page.getByTestId('variant-design-0').locator('.mp-hero .mp-cta').evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = cta.match(/\d+/g)!.map(Number);
    expect(r).toBeGreaterThan(g);
    expect(r).toBeGreaterThan(b);
    expect(cta).not.toBe('rgb(190, 92, 119)');
    expect(errors).toEqual([]);
  });

  it('given the design form, when a required field is empty, then the button says why it waits; and the design picked is shown again after a reload', async () => {
    const account = newAccount('design_saved');
    await setPlan(account, 'pro');
    const { page, errors } = await open(account, 'design');
    await page.getByTestId('design-store-name').fill('');
    expect(await page.getByTestId('generate-design').getAttribute('aria-disabled')).toBe('true');
    await expectText(page.getByTestId('generate-design-reason'), /Enter a store name to generate/);
    // The reason is what assistive tech reads with the button.
    expect(await page.getByTestId('generate-design').getAttribute('aria-describedby')).toBe('generate-design-reason');
    await page.getByTestId('design-store-name').fill('Aurora Coffee Co.');
    expect(await page.getByTestId('generate-design-reason').count()).toBe(0);

    const response = await clickToGenerate(page, 'generate-design');
    const generation = await response.json();
    await page.getByTestId('variant-design-1-select').click();
    await expectText(page.getByTestId('variant-design-1-select'), 'Selected');
    await page.reload();
    const saved = page.getByTestId('saved-design');
    await saved.waitFor();
    await expectText(saved, /Proposal 2/);
    const bg = await saved.getByTestId('design-preview').locator('.mp-page').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe(rgbOf(generation.variants[1].palette.background));
    await shot(page, 'blog-design-08-saved-design');
    expect(errors).toEqual([]);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
