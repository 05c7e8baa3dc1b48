import { sampleWaves } from '@sieve/moderation';
import type { Browser, Page } from 'playwright-core';
import { uniqueMarker } from './support/marker';
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
      const marker = uniqueMarker();
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

      // A policy admin turns on deciding by precedent; new copies of the wave are removed by
      // Sieve, and the platform hears of them as automated decisions.
      const admin = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await signIn(admin, 'policyAdmin');
      await admin.getByRole('link', { name: 'Policies' }).click();
      const history = admin.getByTestId('policy-versions');
      await history.waitFor();
      const liveBefore = Number(/v(\d+)\s*live/.exec((await history.textContent()) ?? '')?.[1]);
      await admin.getByRole('button', { name: /Start a draft/ }).click();
      const setting = admin.getByTestId('precedent-setting');
      await setting.getByLabel(/Decide near-copies/).check();
      await setting.getByLabel('Similarity needed').fill('0.6');
      await Promise.all([
        admin.waitForResponse(
          (r) => r.request().method() === 'PATCH' && r.url().includes('/api/policies/drafts/'),
        ),
        setting.getByRole('button', { name: 'Save' }).click(),
      ]);
      await admin.screenshot({ path: screenshotPath('precedent-setting'), fullPage: true });
      await admin.getByRole('button', { name: 'Publish…' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Publish the draft' });
      await dialog.getByText('remove after 3 alike at ≥ 0.60').waitFor();
      expect(
        await dialog.getByTestId('policy-diff').locator('tbody tr').allTextContents(),
      ).toStrictEqual(['(precedent)decide by precedent—remove after 3 alike at ≥ 0.60']);
      await dialog
        .getByLabel('Change note (required)')
        .fill(`e2e ${marker}: remove copies by precedent`);
      if (await dialog.getByTestId('confirm-large').isVisible())
        await dialog.getByTestId('confirm-large').locator('input').check();
      await dialog.getByRole('button', { name: /Publish version/ }).click();
      await history.locator('li.live', { hasText: `v${liveBefore + 1}` }).waitFor();
      try {
        const copies = events
          .slice(0, 2)
          .map((e, i) => ({ ...post(e.text), authorId: `copycat-${i}-${marker}` }));
        await produce(copies);
        const copyIds = new Set(copies.map((c) => c.id));
        const byPrecedent = () =>
          platform.received.filter(
            (m) => m['kind'] === 'precedent' && copyIds.has(String(m['eventId'])),
          );
        const until2 = Date.now() + 30_000;
        while (byPrecedent().length < 2 && Date.now() < until2) await page.waitForTimeout(200);
        expect(byPrecedent()).toHaveLength(2);
        expect(byPrecedent().every((m) => m['action'] === 'remove')).toBe(true);
      } finally {
        // Back to what was live, so the rest of the suite sees the usual policy.
        await history.getByRole('button', { name: `Roll back to v${liveBefore}` }).click();
        const rollback = admin.getByRole('dialog', { name: 'Roll back' });
        await rollback.getByLabel('Why (required)').fill(`e2e ${marker}: undo`);
        await rollback.getByRole('button', { name: 'Roll back' }).click();
        await history.locator('li.live', { hasText: `v${liveBefore + 2}` }).waitFor();
        await admin.close();
      }
    } finally {
      await platform.stop();
    }
  });
});
