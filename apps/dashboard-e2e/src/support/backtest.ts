import type { Page } from 'playwright-core';
import { dashboardUrl } from './session';

/**
 * Waits until backtests count every event stored before `stored`: the rollup counts events once
 * they settle, on a background tick, so how long that takes depends on how busy the machine is.
 */
export async function waitForBacktestThrough(
  page: Page,
  stored: Date,
  timeoutMs = 30_000,
): Promise<void> {
  const range = new URLSearchParams({
    from: new Date(stored.getTime() - 3_600_000).toISOString(),
    to: new Date(stored.getTime() + 3_600_000).toISOString(),
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await page.request.get(`${dashboardUrl}/api/policies/backtest-data?${range}`);
    const { histogramsThrough } = (await res.json()) as { histogramsThrough: string | null };
    if (histogramsThrough && new Date(histogramsThrough) >= stored) return;
    if (Date.now() > deadline)
      throw new Error(
        `backtests count events up to ${histogramsThrough}, not ${stored.toISOString()}`,
      );
    await page.waitForTimeout(250);
  }
}
