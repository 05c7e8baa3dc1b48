import type { Browser, Page } from 'playwright-core';
import { uniqueMarker } from './support/marker';
import { launchChromium, screenshotPath } from './support/browser';
import { openedFlag } from './support/flag';
import { post, produce } from './support/produce';
import { waitForPost } from './support/queue';
import { dashboardUrl, signIn } from './support/session';

/** Opens the queue's row for `text` and decides it from the keyboard; returns the flag's id. */
async function decideFromQueue(page: Page, text: string, action: 'approve' | 'remove') {
  await page.getByRole('link', { name: text }).click();
  await decideHere(page, action);
  return page.url().split('/').pop() ?? '';
}

async function decideHere(page: Page, action: 'approve' | 'remove') {
  await page.getByTestId('flag-detail').waitFor();
  await page.getByText(/^Reviewing$/).waitFor(); // claimed: the decision panel is live
  // The first approve reason ("Not harmful"), the second remove reason ("Threat of violence").
  await page.keyboard.press(action === 'approve' ? 'a' : 'r');
  await page.keyboard.press(action === 'approve' ? '1' : '2');
  await page.keyboard.press('Enter');
  await page.getByTestId('decided').waitFor();
}

async function setQualityChecks(page: Page, golden: string, secondReview: string) {
  await page.goto(`${dashboardUrl}/queues`);
  await page.getByTestId('queue-default').getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Edit General' });
  await form.getByLabel('Golden items (% of next items)').fill(golden);
  await form.getByLabel('Second review (% of decisions)').fill(secondReview);
  await form.getByRole('button', { name: 'Save queue' }).click();
  await form.waitFor({ state: 'detached' });
}

describe('reviewer quality in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('a golden item and second reviews reach another reviewer blind, and the stats page scores them', async () => {
    const marker = uniqueMarker();
    const goldenText = `golden ${marker}: I will kill you`;
    const otherText = `second look ${marker}: I will hurt you`;
    const policy = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await signIn(policy, 'policyAdmin', '/queues');
    await setQualityChecks(policy, '100', '100');
    try {
      await produce([post(goldenText), post(otherText)]);
      const reviewer = await browser.newPage({ viewport: { width: 1366, height: 800 } });
      await signIn(reviewer, 'reviewer', `/?q=${marker}`);
      await waitForPost(reviewer, goldenText);
      await waitForPost(reviewer, otherText);
      const goldenId = await decideFromQueue(reviewer, goldenText, 'remove');
      await reviewer.goto(`${dashboardUrl}/?q=${marker}`);
      await waitForPost(reviewer, otherText);
      await decideFromQueue(reviewer, otherText, 'remove');

      // The policy admin vouches for the first decision.
      await policy.goto(`${dashboardUrl}/flags/${goldenId}`);
      const control = policy.getByTestId('golden-control');
      await control.getByLabel('Reviewers should').selectOption('remove');
      await control.getByLabel('Why (for the team)').fill('a direct threat');
      await control.getByRole('button', { name: 'Mark as golden' }).click();
      await control.getByText(/Golden: reviewers should/).waitFor();

      // Another reviewer works the queue: the golden copy and both second reviews come to them
      // as ordinary items.
      const admin = await browser.newPage({ viewport: { width: 1366, height: 800 } });
      await signIn(admin, 'admin', `/?q=${marker}`);
      await admin.getByRole('button', { name: 'Start reviewing' }).click();
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) {
        const detail = await openedFlag(admin);
        const text = (await detail.locator('blockquote').textContent()) ?? '';
        expect(await detail.getByText(/golden item|second review|quality/i).count()).toBe(0);
        const isGolden = text.includes(goldenText);
        // Approve the golden post both times (wrong, and a disagreement); remove the other.
        await decideHere(admin, isGolden ? 'approve' : 'remove');
        seen.push(isGolden ? 'golden' : 'other');
        const url = admin.url();
        await admin.keyboard.press('j');
        await admin.waitForURL((u) => u.toString() !== url);
      }
      expect(seen.sort()).toStrictEqual(['golden', 'golden', 'other']);

      await policy.goto(`${dashboardUrl}/stats`);
      const quality = policy.getByTestId('quality-stats');
      await quality.waitFor();
      const adminRow = quality.getByRole('row', { name: /Demo Admin/ }).first();
      await adminRow.waitFor();
      // Golden: 0 of 1. Second reviews: (remove, approve) and (remove, remove): agreed 50%.
      expect(await adminRow.textContent()).toContain('0 of 1');
      expect(await adminRow.textContent()).toContain('50%');
      await quality.scrollIntoViewIfNeeded();
      await policy.screenshot({ path: screenshotPath('quality-stats'), fullPage: true });
    } finally {
      await setQualityChecks(policy, '0', '0');
    }
  });
});
