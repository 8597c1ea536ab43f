/**
 * Settings › Brand voice (GET/PUT /v1/brand-voice): the card stores the voice, shows it after a reload,
 * refuses what the contract refuses before sending, and the product page writes with it. Checked against the API.
 */
import { expect, it } from 'vitest';
import { api, describeInBrowser, expectAccessible, expectText, newAccount, open, setPlan } from '../support/browser.ts';

describeInBrowser('settings: brand voice (browser, local stack)', { accountPrefix: 'acct_e2e_voice' }, () => {
  it('given a merchant who sets a brand voice, then the API stores it, a reload shows it, and a description written after it avoids the words and keeps the phrase', async () => {
    const account = newAccount('voice');
    await setPlan(account, 'plus');
    const { page, errors } = await open(account, 'settings');
    const card = page.getByTestId('brand-voice');
    await expectText(card.getByTestId('brand-voice-updated'), /Not set yet/);
    await card.getByTestId('brand-voice-tone').selectOption('luxury');
    await card.getByTestId('brand-voice-language').selectOption('en');
    await card.getByTestId('brand-voice-audience').fill('home baristas who love design');
    await card.getByTestId('brand-voice-avoid').fill('cheap, bargain');
    await card.getByTestId('brand-voice-mention').fill('Made in Cebu');
    await card.getByTestId('brand-voice-save').click();
    await expectText(card.getByTestId('brand-voice-updated'), /^Saved /);
    const stored = (await api(account, 'GET', '/v1/brand-voice')).body;
    expect(stored).toMatchObject({ tone: 'luxury', language: 'en', audience: 'home baristas who love design', avoidWords: ['cheap', 'bargain'], alwaysMention: ['Made in Cebu'] });

    // Read again from the service: the card reads the voice as it mounts.
    await page.reload();
    await page.getByTestId('brand-voice-form').waitFor();
    await expect.poll(() => card.getByTestId('brand-voice-tone').inputValue()).toBe('luxury');
    expect(await card.getByTestId('brand-voice-avoid').inputValue()).toBe('cheap, bargain');
    expect(await card.getByTestId('brand-voice-mention').inputValue()).toBe('Made in Cebu');
    await expectAccessible(page, 'Settings with the brand voice card');

    // Too many phrases are refused before anything is sent, with the reason.
    await card.getByTestId('brand-voice-mention').fill(Array.from({ length: 11 }, (_, i) => `Phrase ${i + 1}`).join('\n'));
    await expectText(card.getByTestId('brand-voice-problem'), /11 phrases/);
    expect(await card.getByTestId('brand-voice-save').getAttribute('aria-disabled')).toBe('true');

    // A generation from the Edit product page: the page sends no language of its own, the voice applies.
    await page.evaluate(() => (location.hash = '#/product'));
    // The form starts from the voice's tone once it is read (the request's own tone would win over it).
    await expect.poll(() => page.getByTestId('product-tone').inputValue()).toBe('luxury');
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/v1/generations') && r.method() === 'POST'),
      page.getByTestId('generate-description').click(),
    ]);
    const sent = JSON.parse(request.postData() ?? '{}');
    expect(sent.input.language).toBeUndefined();
    expect(sent.input.tone).toBe('luxury');
    await page.getByTestId('variant-description-1').waitFor();
    for (const text of await page.getByTestId('variant-text').allTextContents()) {
      expect(text).not.toMatch(/\b(cheap|bargain)\b/i);
      expect(text).toContain('Made in Cebu');
    }

    // Filipino: the card stores it, and the next description is asked for without a language of its own.
    await page.evaluate(() => (location.hash = '#/settings'));
    await card.getByTestId('brand-voice-language').selectOption('fil');
    await card.getByTestId('brand-voice-save').click();
    await expect.poll(async () => (await api(account, 'GET', '/v1/brand-voice')).body.language).toBe('fil');
    expect(await card.getByTestId('brand-voice-language').locator('option:checked').textContent()).toBe('Filipino');
    expect(errors).toEqual([]);
  });
});
