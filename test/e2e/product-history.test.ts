/**
 * Edit product keeps what was paid for and what was saved: past options come back after a reload
 * (`GET /v1/generations?productId=&feature=`), a generated text is edited before it is kept (Keep /
 * Try again / Undo), and each field's history restores an earlier version — checked against the API.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PHONE, api, clickToGenerate, describeInBrowser, expectAccessible, expectText, newAccount, open, setPlan, shot } from '../support/browser.ts';

/** The product the Edit product page shows (web/src/pages/ProductPage.tsx SAMPLE_PRODUCT). */
const PRODUCT = 'prod_aurora_pourover';

async function variantTexts(page: Page, name = 'description'): Promise<string[]> {
  const texts: string[] = [];
  for (const i of [0, 1]) texts.push(((await page.getByTestId(`variant-${name}-${i}`).getByTestId('variant-text').textContent()) ?? '').trim());
  return texts;
}

async function history(account: string, field: 'description' | 'seo' | 'image') {
  const r = await api(account, 'GET', `/v1/products/${PRODUCT}/content/history?field=${field}`);
  expect(r.status).toBe(200);
  return r.body.items as Array<{ versionId: string; value: any; source: string }>;
}

async function credits(account: string): Promise<number> {
  return (await api(account, 'GET', '/v1/credits')).body.credits.available;
}

describeInBrowser('product history (browser, local stack)', { accountPrefix: 'acct_e2e_hist' }, () => {
  it('given a paid merchant who generated descriptions twice and chose none, when the page is reloaded, then the newest options show again and the older ones can be shown, as the API stored them', async () => {
    const account = newAccount('past');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account);
    expect((await clickToGenerate(page, 'generate-description')).status()).toBe(201);
    await page.getByTestId('variant-description-1').waitFor();
    const first = await variantTexts(page);
    expect((await clickToGenerate(page, 'generate-description')).status()).toBe(201);
    await expect.poll(async () => (await variantTexts(page))[0]).not.toBe(first[0]);
    const second = await variantTexts(page);

    await page.reload();
    await page.getByTestId('variant-description-1').waitFor();
    expect(await variantTexts(page)).toEqual(second);
    // Nothing was charged by reading them back.
    await expectText(page.getByTestId('credits-count'), String(await credits(account)));
    expect(await credits(account)).toBe(100 - 2);

    const listed = (await api(account, 'GET', `/v1/generations?productId=${PRODUCT}&feature=product_description`)).body.items as Array<{ id: string }>;
    expect(listed).toHaveLength(2);
    const past = page.getByTestId('past-options-description');
    await past.locator('summary').click();
    await expect.poll(() => past.getByTestId('past-option').count()).toBe(2);
    expect(await past.getByTestId('past-option').evaluateAll((els) => els.map((el) => el.getAttribute('data-generation-id')))).toEqual(listed.map((g) => g.id));
    await past.getByTestId('past-option-show').click();
    await expect.poll(() => variantTexts(page)).toEqual(first);

    // The older options are as selectable as ever: choosing one saves it.
    await page.getByTestId('variant-description-1-select').click();
    await expectText(page.getByTestId('saved-description-text'), first[1].slice(0, 40));
    await expect.poll(async () => past.locator(`[data-generation-id="${listed[1].id}"]`).getAttribute('data-selected')).toBe('1');
    expect(errors).toEqual([]);
  });

  it('given generated descriptions, when the merchant edits one, undoes, tries again and keeps, then Keep saves an unchanged option as chosen and a changed one as a manual edit, Try again charges a regeneration, Undo steps back to the saved text, and Undo after Keep restores the previous version', async () => {
    const account = newAccount('draft');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account);
    await clickToGenerate(page, 'generate-description');
    await page.getByTestId('variant-description-1').waitFor();
    const [, option2] = await variantTexts(page);

    // Keep, unchanged: the AI option is selected (a `generation` version).
    await page.getByTestId('variant-description-1-edit').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('description-draft-text');
    expect(await page.getByTestId('description-draft-text').inputValue()).toBe(option2);
    await expectText(page.getByTestId('description-draft-state'), 'AI option 2');
    await page.getByTestId('description-keep').click();
    await expectText(page.getByTestId('saved-description-text'), option2.slice(0, 40));
    await expect.poll(() => page.getByTestId('description-draft').count()).toBe(0);
    expect(await page.getByTestId('variant-description-1-select').getAttribute('aria-pressed')).toBe('true');
    const afterSelect = await history(account, 'description');
    expect(afterSelect.map((v) => [v.source, v.value])).toEqual([['generation', option2]]);

    // Edit, then Undo: back to the option as written; Undo again closes the editor on the saved text.
    await page.getByTestId('variant-description-0-edit').click();
    const option1 = await page.getByTestId('description-draft-text').inputValue();
    await page.getByTestId('description-draft-text').fill(`${option1} Made to last.`);
    await expectText(page.getByTestId('description-draft-state'), 'Edited');
    await page.getByTestId('description-undo').click();
    expect(await page.getByTestId('description-draft-text').inputValue()).toBe(option1);
    await expectText(page.getByTestId('description-draft-state'), 'AI option 1');
    await page.getByTestId('description-undo').click();
    await expect.poll(() => page.getByTestId('description-draft').count()).toBe(0);
    await expectText(page.getByTestId('saved-description-text'), option2.slice(0, 40));

    // Try again: a charged regeneration, its option in the editor; Undo goes back to the earlier one.
    const before = await credits(account);
    await page.getByTestId('variant-description-0-edit').click();
    await expectText(page.getByTestId('description-try-again'), /Try again · 1 credit/);
    const [regenerated] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/regenerate') && r.request().method() === 'POST'),
      page.getByTestId('description-try-again').click(),
    ]);
    expect(regenerated.status()).toBe(201);
    const fresh = await regenerated.json();
    await expect.poll(() => page.getByTestId('description-draft-text').inputValue()).toBe(fresh.variants[0].text);
    expect(await credits(account)).toBe(before - 1);
    await page.getByTestId('description-undo').click();
    expect(await page.getByTestId('description-draft-text').inputValue()).toBe(option1);

    // Keep, changed: a manual edit (free), now the product's description.
    const edited = `${fresh.variants[0].text} Gift-boxed.`;
    await page.getByTestId('description-undo').click();
    await page.getByTestId('variant-description-0-edit').click();
    await page.getByTestId('description-draft-text').fill(edited);
    await page.getByTestId('description-keep').click();
    await expectText(page.getByTestId('saved-description-text'), edited);
    const afterEdit = await history(account, 'description');
    expect(afterEdit.map((v) => [v.source, v.value])).toEqual([
      ['manual', edited],
      ['generation', option2],
    ]);
    expect(await credits(account)).toBe(before - 1);

    // Undo after Keep: the previous version is current again (a restore, free), and Undo is gone.
    await page.getByTestId('saved-description-undo').click();
    await expectText(page.getByTestId('saved-description-text'), option2.slice(0, 40));
    const afterUndo = await history(account, 'description');
    expect(afterUndo.map((v) => [v.source, v.value])).toEqual([
      ['restore', option2],
      ['manual', edited],
      ['generation', option2],
    ]);
    await expect.poll(() => page.getByTestId('saved-description-undo').count()).toBe(0);
    expect(await credits(account)).toBe(before - 1);

    // An empty text cannot be kept, and says why.
    await page.getByTestId('saved-description-edit').click();
    await page.getByTestId('description-draft-text').fill('   ');
    await page.getByTestId('description-keep').click({ force: true });
    await expectText(page.getByTestId('description-keep-reason'), /Write the description/);
    expect(await page.getByTestId('description-keep').getAttribute('aria-disabled')).toBe('true');
    expect(await history(account, 'description')).toHaveLength(3);
    await expectAccessible(page, 'description editor');
    await shot(page, 'history-description-draft');
    expect(errors).toEqual([]);
  });

  it('given a description and meta tags with earlier versions, when the merchant restores an older one from the History drawer, then it is current again (source restore), free, and the drawer lists it on top', async () => {
    const account = newAccount('restore');
    await setPlan(account, 'plus');
    const put = async (body: unknown) => expect((await api(account, 'PUT', `/v1/products/${PRODUCT}/content`, body)).status).toBe(200);
    await put({ description: 'The first description.', seo: { title: 'First title', description: 'First meta description.' } });
    await put({ description: 'The second description.', seo: { title: 'Second title', description: 'Second meta description.' } });
    const before = await credits(account);
    const { page, errors } = await open(account);
    await expectText(page.getByTestId('saved-description-text'), 'The second description.');

    await page.getByTestId('history-description').click();
    const drawer = page.getByTestId('history-drawer');
    await expect.poll(() => drawer.getByTestId('history-version').count()).toBe(2);
    const versions = await history(account, 'description');
    expect(await drawer.getByTestId('history-version').evaluateAll((els) => els.map((el) => el.getAttribute('data-version-id')))).toEqual(versions.map((v) => v.versionId));
    expect(await drawer.locator('[data-current="true"]').getAttribute('data-version-id')).toBe(versions[0].versionId);
    // The current version has no Restore; the older one does.
    expect(await drawer.getByTestId('history-restore').count()).toBe(1);
    await expectAccessible(page, 'history drawer', '[data-testid="history-drawer"]');
    await shot(page, 'history-drawer', false);

    await drawer.getByTestId('history-restore').click();
    await expectText(page.getByTestId('saved-description-text'), 'The first description.');
    await expect.poll(() => drawer.getByTestId('history-version').count()).toBe(3);
    const after = await history(account, 'description');
    expect(after.map((v) => [v.source, v.value])).toEqual([
      ['restore', 'The first description.'],
      ['manual', 'The second description.'],
      ['manual', 'The first description.'],
    ]);
    expect(await drawer.locator('[data-current="true"]').getAttribute('data-version-id')).toBe(after[0].versionId);
    // Esc closes it and focus goes back to the History button.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('history-drawer').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('history-description');

    // The meta tags have their own history.
    await page.getByTestId('history-seo').click();
    await expect.poll(() => drawer.getByTestId('history-version').count()).toBe(2);
    await drawer.getByTestId('history-restore').click();
    await expect.poll(async () => (await history(account, 'seo'))[0]?.source).toBe('restore');
    expect((await history(account, 'seo'))[0].value).toEqual({ title: 'First title', description: 'First meta description.' });
    await expectText(page.getByTestId('saved-seo').locator('.serp-title'), 'First title');
    expect(await credits(account)).toBe(before);
    expect(errors).toEqual([]);
  });

  it('given meta tags generated on a phone, when the merchant edits the title and keeps it, then it is saved as a manual edit, and the drawer and editor pass axe', async () => {
    const account = newAccount('seo');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account, 'product', PHONE);
    await clickToGenerate(page, 'generate-seo');
    await page.getByTestId('variant-seo-1').waitFor();
    await page.getByTestId('variant-seo-0-edit').click();
    const description = await page.getByTestId('seo-draft-description').inputValue();
    await page.getByTestId('seo-draft-title').fill('Pour-over set, hand-glazed');
    await expectText(page.getByTestId('seo-draft-title-counter'), '26/60');
    await expectAccessible(page, 'SEO editor (phone)');
    await page.getByTestId('seo-keep').click();
    await expectText(page.getByTestId('saved-seo').locator('.serp-title'), 'Pour-over set, hand-glazed');
    const versions = await history(account, 'seo');
    expect(versions.map((v) => [v.source, v.value])).toEqual([['manual', { title: 'Pour-over set, hand-glazed', description }]]);
    await page.getByTestId('history-seo').click();
    await expect.poll(() => page.getByTestId('history-drawer').getByTestId('history-version').count()).toBe(1);
    await expectAccessible(page, 'history drawer (phone)', '[data-testid="history-drawer"]');
    expect(errors).toEqual([]);
  });
});
