import type { Browser, Page } from 'playwright-core';
import { uniqueMarker } from './support/marker';
import { launchChromium, screenshotPath } from './support/browser';
import { post, produce } from './support/produce';
import { waitForPost } from './support/queue';
import { signIn } from './support/session';

describe('review queue in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  });
  afterEach(() => page?.close());

  it('shows a flag produced during the test, and its scores against thresholds', async () => {
    const marker = uniqueMarker();
    const text = `I will kill you, ${marker}`;
    await signIn(page, 'reviewer', `/?q=${marker}`);
    await page.getByTestId('scorer-banner').getByText('Offline demo scorer').waitFor();

    await produce([post(text)]);

    const link = page.getByRole('link', { name: text });
    await link.waitFor({ timeout: 45_000 });
    const row = page.locator('tr', { has: link });
    expect(await row.textContent()).toContain('Violence & threats');
    await page.screenshot({ path: screenshotPath('queue') });

    await link.click();
    const detail = page.getByTestId('flag-detail');
    await detail.waitFor();
    expect(await detail.locator('blockquote').textContent()).toBe(text);
    const violence = detail.locator('tr[data-category="violence_and_threats"]');
    expect(await violence.textContent()).toMatch(/Violence & threats\s*\d+%≥ 50%/);
    expect(await detail.locator('.score-chart tr').count()).toBe(11);
    // Violence is a sensitive category: blurred until revealed, with the matched words marked.
    await detail.getByRole('button', { name: /reveal/ }).waitFor();
    await page.keyboard.press('v');
    expect((await detail.locator('mark').allTextContents()).join(' ')).toContain('kill you');
    // Ask why: the offline explainer streams a card built from the scorer's evidence.
    await page.keyboard.press('w');
    const card = page.getByTestId('explanation-card');
    await card.waitFor();
    expect(await card.textContent()).toContain('Offline explanation');
    await card.locator('q').first().waitFor(); // allTextContents does not wait for the answer
    expect(await card.locator('q').allTextContents()).toContain('kill you');
    // A quote points at its place in the post.
    await card.getByRole('button', { name: 'kill you' }).click();
    expect(await detail.locator('blockquote mark.quote-focus').textContent()).toBe('kill you');
    await page.screenshot({ path: screenshotPath('flag-detail'), fullPage: true });
  });

  it('renders hostile post text as inert text, in the queue and in the item view', async () => {
    const marker = uniqueMarker();
    const payloads = [
      `<img src=x onerror="window.__xss='img-${marker}'"> kill you ${marker}`,
      `<script>window.__xss='script-${marker}'</script> kill you ${marker}`,
      `<svg onload="window.__xss='svg-${marker}'"><circle r=1 /></svg> kill you ${marker}`,
      `<a href="javascript:window.__xss='href-${marker}'">click</a> kill you ${marker}`,
      `javascript:window.__xss='bare-${marker}' kill you ${marker}`,
    ];
    await signIn(page, 'viewer', `/?q=${marker}`);
    await produce(payloads.map(post));
    for (const payload of payloads) await waitForPost(page, payload);
    const xss = () => page.evaluate(() => (window as unknown as { __xss?: string }).__xss);
    expect(await xss()).toBeUndefined();
    expect(
      await page.locator('main img, main svg, main script, main a[href^="javascript"]').count(),
    ).toBe(0);

    for (const payload of payloads) {
      await page.getByRole('link', { name: payload }).click();
      const quote = page.getByTestId('flag-detail').locator('blockquote');
      await quote.waitFor();
      expect(await quote.textContent()).toBe(payload);
      // Only text wrappers (spans, and marks for highlighted matches) inside: no element the post made.
      expect(await quote.locator(':scope *:not(span):not(mark)').count()).toBe(0);
      await page.goBack();
    }
    expect(await xss()).toBeUndefined();
  });
});
