import type { Browser, Page } from 'playwright-core';
import { uniqueMarker } from './support/marker';
import { launchChromium, screenshotPath } from './support/browser';
import { post, produce } from './support/produce';
import { dashboardUrl, signIn } from './support/session';

describe('content filters in Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(() => browser?.close());

  it('keeps a category behind a warning screen, remembered for the reviewer, until they ask to see it', async () => {
    const marker = uniqueMarker();
    const text = `filtered ${marker}: I will kill you`;
    await signIn(page, 'admin', '/account');
    const filter = page.getByLabel('Filter for Violence & threats');
    try {
      await filter.selectOption('warn');
      await page.getByLabel('Filter for Personal data').selectOption('greyscale');
      await page.screenshot({ path: screenshotPath('content-filters'), fullPage: true });

      await produce([post(text)]);
      // Every status: specs run side by side, and one of them turns on deciding by precedent
      // for a removed wave whose posts say "I will kill you" too.
      await page.goto(`${dashboardUrl}/?status=all&q=${marker}`);
      const row = page.locator('tr', { hasText: 'Content warning — open the item to view it' });
      await row.waitFor({ timeout: 45_000 });
      // The text is not on the page at all, not merely blurred.
      expect(await page.getByText(text).count()).toBe(0);

      await row.getByRole('link').click();
      await page.getByTestId('content-warning').getByText('Violence & threats').waitFor();
      expect(await page.getByText(text).count()).toBe(0);
      await page.screenshot({ path: screenshotPath('content-warning') });
      await page.getByRole('button', { name: /Show the post/ }).click();
      await page.getByText(text).waitFor();

      // Remembered: a new page load, the same filter.
      await page.reload();
      await page.getByTestId('content-warning').waitFor();
    } finally {
      await page.goto(`${dashboardUrl}/account`);
      await filter.selectOption('');
      await page.getByLabel('Filter for Personal data').selectOption('');
    }
  });
});
