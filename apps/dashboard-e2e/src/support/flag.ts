import type { Locator, Page } from 'playwright-core';

/**
 * The flag page's detail once it shows the flag its url names. Moving to another flag changes the
 * url before React renders the new one, so the old detail is still on the page for a moment.
 */
export async function openedFlag(page: Page): Promise<Locator> {
  await page.waitForURL(/\/flags\/[^/?#]+/);
  const id = new URL(page.url()).pathname.split('/flags/')[1];
  const detail = page.locator(`[data-testid="flag-detail"][data-flag-id="${id}"]`);
  await detail.waitFor();
  return detail;
}
