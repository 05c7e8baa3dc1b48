import type { Browser, Page } from 'playwright-core';
import { uniqueMarker } from './support/marker';
import { launchChromium, screenshotPath } from './support/browser';
import { openedFlag } from './support/flag';
import { post, produce } from './support/produce';
import { waitForPost } from './support/queue';
import { signIn } from './support/session';

describe('keyboard-only triage in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 800 } })).newPage();
  });
  afterAll(() => browser?.close());

  it('opens, claims, decides with a reason, moves to the next item, and can undo — without a mouse', async () => {
    const marker = uniqueMarker();
    const texts = [
      `first threat: I will kill you ${marker}`,
      `second threat: I will hurt you ${marker}`,
    ];
    await produce(texts.map((text) => post(text)));
    await signIn(page, 'reviewer', `/?q=${marker}`);
    for (const text of texts) await waitForPost(page, text);

    await page.keyboard.press('?');
    await page.getByTestId('shortcut-help').waitFor();
    await page.keyboard.press('Escape');

    // The cursor starts on the first row (the longest waiting); open it with Enter.
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('flag-detail');
    await detail.waitFor();
    const firstText = (await detail.locator('blockquote').textContent()) ?? '';
    expect(texts).toContain(firstText);
    const firstUrl = page.url();

    // Opening claimed it (the claim request is in flight when the detail first renders; the page
    // shows the claim once it has landed): the api says so.
    await detail.getByText('Demo Reviewer').waitFor();
    const flagId = firstUrl.split('/').pop() ?? '';
    const claim = await page.evaluate(
      async (id) => (await (await fetch(`/api/flags/${id}`)).json()).claim,
      flagId,
    );
    expect(claim).toMatchObject({ displayName: 'Demo Reviewer' });

    await page.keyboard.press('r');
    await page.getByRole('radio', { name: /Threat of violence/ }).waitFor();
    await page.keyboard.press('2'); // the second remove reason: "Threat of violence"
    expect(await page.getByRole('radio', { name: /Threat of violence/ }).isChecked()).toBe(true);
    await page.keyboard.press('n');
    await page.keyboard.type('explicit threat against a named user');
    await page.keyboard.press('Escape'); // leave the note field; the panel stays open
    await page.keyboard.press('r');
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await page.getByTestId('decided').waitFor();
    expect(await page.getByTestId('decided').textContent()).toContain(
      'Removed · Threat of violence',
    );
    await page.screenshot({ path: screenshotPath('triage-decided') });

    const decided = await page.evaluate(
      async (id) =>
        (await (await fetch(`/api/flags/${id}`)).json()) as { status: string; finalAction: string },
      flagId,
    );
    expect(decided).toMatchObject({ status: 'decided', finalAction: 'remove' });

    // Undo puts it back; then decide again and go to the next item with j.
    await page.keyboard.press('u');
    await page.getByRole('button', { name: /Remove/ }).waitFor();
    const undone = await page.evaluate(
      async (id) => (await (await fetch(`/api/flags/${id}`)).json()) as { status: string },
      flagId,
    );
    expect(undone.status).toBe('open');
    await page.keyboard.press('a');
    await page.keyboard.press('1'); // approving has no default reason: it is chosen
    await page.keyboard.press('Enter');
    await page.getByTestId('decided').waitFor();
    await page.keyboard.press('j');
    await page.waitForURL((url) => url.toString() !== firstUrl);
    const next = await openedFlag(page);
    expect(await next.locator('blockquote').textContent()).toBe(
      texts.find((text) => text !== firstText),
    );
    await page.screenshot({ path: screenshotPath('triage-next'), fullPage: true });
  });
});
