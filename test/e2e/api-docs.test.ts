/**
 * The API reference as an integrating engineer opens it: `/docs` renders the OpenAPI document of the
 * local stack with Swagger UI, every operation listed, and no error box (Swagger UI shows one for a
 * document field it cannot handle).
 */
import { expect, it } from 'vitest';
import { baseUrl, describeInBrowser, newContext } from '../support/browser.ts';

describeInBrowser('API reference (browser, local stack)', { accountPrefix: 'docs' }, () => {
  it('given /docs, then every operation of /openapi.json is listed and no error is shown', async () => {
    const spec = (await (await fetch(`${baseUrl()}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(spec.paths).reduce((n, p) => n + Object.keys(p).length, 0);
    const context = await newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${baseUrl()}/docs`);
      await page.locator('.swagger-ui .info .title').waitFor({ timeout: 20_000 });
      await expect.poll(() => page.locator('.opblock').count()).toBe(operations);
      expect(await page.locator('.errors-wrapper').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
