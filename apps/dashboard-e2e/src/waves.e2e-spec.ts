import { randomUUID } from 'node:crypto';
import { sampleWaves } from '@sieve/moderation';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from './support/browser';
import { platformConsumer, post, produce } from './support/produce';
import { signIn } from './support/session';

describe('waves in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterEach(() => page?.close());

  it('a wave of 50 reworded posts from 20 authors is one row, removed in one action; the platform gets 50 decisions', async () => {
    const platform = await platformConsumer();
    try {
      const marker = randomUUID().slice(0, 8);
      const events = sampleWaves({
        waves: 1,
        perWave: 50,
        authorsPerWave: 20,
        unrelated: 0,
        firstCampaign: 4,
        // A fixed wave (the marker only keeps runs apart): grouping it is waves.spec's job.
        seed: 42,
      }).map((p) => ({ ...post(`${p.text} ${marker}`), authorId: `${p.authorId}-${marker}` }));
      await signIn(page, 'reviewer');
      await produce(events);

      // One row for the wave, with its size and authors; none of its posts listed on their own.
      const row = page.getByTestId('wave-row').filter({ hasText: marker });
      const deadline = Date.now() + 60_000;
      while (
        (await row
          .getByTestId('wave-size')
          .textContent()
          .catch(() => null)) !== '50 posts'
      ) {
        if (Date.now() > deadline) throw new Error('the wave never showed 50 posts');
        await page.waitForTimeout(250);
      }
      expect(await row.textContent()).toContain('20');
      expect(await page.getByTestId('queue').filter({ hasText: marker }).count()).toBe(0);
      await page.screenshot({ path: screenshotPath('wave-in-queue'), fullPage: true });

      await row.getByRole('link').click();
      await page.getByTestId('wave-members').waitFor();
      expect(await page.getByTestId('wave-member').count()).toBe(50);
      expect(await page.getByTestId('wave-facts').textContent()).toContain('20 authors');
      await page.getByLabel('Reason').selectOption('Spam or scam');
      await page.screenshot({ path: screenshotPath('wave-page'), fullPage: true });
      await page.getByRole('button', { name: 'Remove 50 posts' }).click();
      expect(await page.getByTestId('wave-result').textContent()).toContain('50 posts removed');

      // The platform hears of each post once, as a reviewer's removal.
      const ids = new Set(events.map((e) => e.id));
      const removals = () =>
        platform.received.filter((m) => m['kind'] === 'reviewer' && ids.has(String(m['eventId'])));
      const until = Date.now() + 30_000;
      while (removals().length < 50 && Date.now() < until) await page.waitForTimeout(200);
      expect(new Set(removals().map((m) => m['eventId'])).size).toBe(50);
      expect(removals().every((m) => m['action'] === 'remove')).toBe(true);

      // The wave has left the queue.
      await page.getByRole('link', { name: 'Back to the queue' }).click();
      await page.getByTestId('queue-hint').waitFor();
      await page.waitForTimeout(500);
      expect(await page.getByTestId('wave-row').filter({ hasText: marker }).count()).toBe(0);
    } finally {
      await platform.stop();
    }
  });
});
