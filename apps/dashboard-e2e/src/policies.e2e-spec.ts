import type { Browser, Page } from 'playwright-core';
import { waitForBacktestThrough } from './support/backtest';
import { uniqueMarker } from './support/marker';
import { launchChromium, screenshotPath } from './support/browser';
import { post, produce } from './support/produce';
import { waitForPost } from './support/queue';
import { signIn } from './support/session';

describe('policies in Chromium', () => {
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

  it('moves a threshold, sees the backtest change, publishes with a note, and rolls back', async () => {
    const marker = uniqueMarker();
    const texts = [1, 2, 3].map((n) => `mail me at person${n}.${marker}@example.org`);
    await signIn(page, 'policyAdmin', `/?q=${marker}`);
    await produce(texts.map(post));
    for (const text of texts) await waitForPost(page, text);
    await waitForBacktestThrough(page, new Date());
    await page.getByRole('link', { name: 'Policies' }).click();
    const history = page.getByTestId('policy-versions');
    await history.waitFor();
    const liveBefore = Number(/v(\d+)\s*live/.exec((await history.textContent()) ?? '')?.[1]);
    expect(liveBefore).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: /Start a draft/ }).click();
    const editor = page.getByTestId('draft-editor');
    await editor.waitFor();
    const pii = page.getByTestId('flagged-pii');
    await page.waitForFunction(() =>
      /\d+ → \d+/.test(document.querySelector('[data-testid="flagged-pii"]')?.textContent ?? ''),
    );
    const before = (await pii.textContent()) ?? '';
    const [live] = before.split(' → ').map((s) => Number(s.replace(/\D/g, '')));
    expect(live).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: screenshotPath('policies-draft'), fullPage: true });

    // Keyboard on the slider: End moves the personal-data (PII) review threshold to 1.00.
    const slider = page.getByRole('slider', { name: 'Personal data review threshold' });
    await slider.focus();
    await page.keyboard.press('End');
    expect(await page.getByLabel('Personal data review threshold (number)').inputValue()).toBe('1');
    await page.waitForFunction(
      (old) => document.querySelector('[data-testid="flagged-pii"]')?.textContent !== old,
      before,
    );
    expect(await pii.textContent()).toMatch(/→ \d+ −\d+%|→ 0 −100%/);

    await page.getByRole('button', { name: 'Show items that would change' }).click();
    const gone = page.getByTestId('samples-gone');
    await gone.getByText(texts[0]).waitFor();

    // Shadow: the saved draft runs on live traffic; a new PII post shows up as a difference.
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('button', { name: 'Saved' }).waitFor();
    await page.getByRole('button', { name: 'Run in shadow' }).click();
    const shadowPanel = page.getByTestId('shadow-panel');
    await shadowPanel.getByText('events evaluated').waitFor();
    const shadowText = `mail me at shadow.${marker}@example.org`;
    await produce([post(shadowText)]);
    await shadowPanel.getByText(shadowText).waitFor({ timeout: 30_000 });
    expect(await shadowPanel.textContent()).toContain('live review → shadow allow');
    await page.screenshot({ path: screenshotPath('policies-shadow'), fullPage: true });

    // The impact is the chosen range's: the last 90 days, which include the posts above.
    const ninetyDays = page.waitForResponse(
      (r) => r.url().includes('/api/policies/backtest-data') && r.ok(),
    );
    await page.getByLabel('Backtest range').selectOption('90d');
    await ninetyDays;
    await page.getByRole('button', { name: 'Publish…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish the draft' });
    expect(await dialog.getByTestId('publish-impact').textContent()).toMatch(
      /Over the last 90 days it would have raised [\d,]+ category flags instead of [\d,]+/,
    );
    // The diff shows the one setting moved.
    expect(
      await dialog.getByTestId('policy-diff').locator('tbody tr').allTextContents(),
    ).toStrictEqual(['Personal datareview at0.501.00']);
    await page.screenshot({ path: screenshotPath('policies-publish'), fullPage: true });
    await dialog.getByLabel('Change note (required)').fill(`e2e ${marker}: PII only when certain`);
    // A large change of flag volume (depends on what else this stack holds) asks once more.
    if (await dialog.getByTestId('confirm-large').isVisible())
      await dialog.getByTestId('confirm-large').locator('input').check();
    await dialog.getByRole('button', { name: /Publish version/ }).click();
    const published = liveBefore + 1;
    await history.locator('li.live', { hasText: `v${published}` }).waitFor();
    expect(await history.locator('li.live').textContent()).toContain('PII only when certain');
    // The history says what the version changed from the one live before it.
    await history.locator('li.live').getByText(`1 change from v${liveBefore}`).click();
    expect(await history.locator('li.live .version-changes li').allTextContents()).toStrictEqual([
      'Personal data: review at 0.50 → 1.00',
    ]);
    // With no draft open, the page shows the live rules.
    const liveRules = page.getByTestId('rules-table');
    await liveRules.getByText(`Live rules, version ${published}`).waitFor();
    expect(
      await liveRules.locator('tr', { hasText: 'Personal data' }).locator('td').allTextContents(),
    ).toStrictEqual(['Personal data', '1.00', '—']);

    // Roll back to what was live, so the rest of the suite sees the usual policy.
    await history.getByRole('button', { name: `Roll back to v${liveBefore}` }).click();
    const rollback = page.getByRole('dialog', { name: 'Roll back' });
    // What rolling back changes, before it is confirmed.
    expect(
      await rollback.getByTestId('policy-diff').locator('tbody tr').allTextContents(),
    ).toStrictEqual(['Personal datareview at1.000.50']);
    await rollback.getByLabel('Why (required)').fill(`e2e ${marker}: undo`);
    await rollback.getByRole('button', { name: 'Roll back' }).click();
    await history.locator('li.live', { hasText: `v${published + 1}` }).waitFor();
    expect(await history.locator('li.live').textContent()).toContain(`e2e ${marker}: undo`);

    await page.setViewportSize({ width: 1100, height: 800 });
    await page.screenshot({ path: screenshotPath('policies-laptop'), fullPage: true });
  });
  it('gives one source its own rule in a draft, sees what it flags there, and keeps it', async () => {
    const marker = uniqueMarker();
    const source = `e2e-kids-${marker}`;
    const texts = [1, 2].map((n) => `mail me at child${n}.${marker}@example.org`);
    await signIn(page, 'policyAdmin', `/?q=${marker}`);
    await produce(texts.map((text) => ({ ...post(text), source })));
    for (const text of texts) await waitForPost(page, text);
    await waitForBacktestThrough(page, new Date());
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('button', { name: /Start a draft/ }).click();
    await page.getByTestId('draft-editor').waitFor();

    // The source is suggested: the backtest range saw it.
    const overrides = page.getByRole('region', { name: 'Per-source overrides' });
    await overrides.locator(`datalist option[value="${source}"]`).waitFor({ state: 'attached' });
    await overrides.getByLabel('Source').fill(source);
    await overrides.getByLabel('Category').selectOption({ label: 'Personal data' });
    await overrides.getByRole('button', { name: 'Add an override' }).click();
    const row = page.getByTestId(`override-${source}-pii`);
    const flagged = row.locator('td').nth(4);
    expect(await flagged.textContent()).toBe('2 → 2 ±0');
    await overrides.getByLabel(`${source}: Personal data review threshold (number)`).fill('1');
    expect(await flagged.textContent()).toBe('2 → 0 −100%');
    await page.screenshot({ path: screenshotPath('policies-overrides'), fullPage: true });

    // Saved with the draft: a reload shows it again.
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('button', { name: 'Saved' }).waitFor();
    await page.reload();
    await row.waitFor();
    expect(
      await overrides.getByLabel(`${source}: Personal data review threshold (number)`).inputValue(),
    ).toBe('1');

    // Publishing would show the override setting by setting; this draft is discarded instead.
    await page.getByRole('button', { name: 'Publish…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish the draft' });
    expect(
      await dialog.getByTestId('policy-diff').locator('tbody tr').allTextContents(),
    ).toStrictEqual([
      `Personal data (source ${source})enforced—yes`,
      `Personal data (source ${source})review at—1.00`,
    ]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await page.getByRole('button', { name: /Start a draft/ }).waitFor();
  });
});
