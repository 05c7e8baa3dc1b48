import type { Page } from 'playwright-core';

/**
 * Waits for a produced post's row in the queue. Posts flagged after the first ones are held back
 * behind "N new — show" (the queue does not move under a reader), so that is clicked when it shows.
 */
export async function waitForPost(page: Page, text: string, timeoutMs = 45_000): Promise<void> {
  const link = page.getByRole('link', { name: text });
  const held = page.getByTestId('held-arrivals');
  const deadline = Date.now() + timeoutMs;
  while (!(await link.isVisible())) {
    if (Date.now() > deadline) throw new Error(`the queue never showed "${text}"`);
    if (await held.isVisible()) await held.click();
    await page.waitForTimeout(200);
  }
}
