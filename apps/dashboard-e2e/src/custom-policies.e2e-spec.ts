import type { Browser, Page } from 'playwright-core';
import { uniqueMarker } from './support/marker';
import { launchChromium, screenshotPath } from './support/browser';
import { post, produce } from './support/produce';
import { waitForPost } from './support/queue';
import { signIn } from './support/session';

describe('custom policies in Chromium', () => {
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

  it('writes "no ticket resale above face value", evaluates and publishes it, and a matching post is flagged with the evidence', async () => {
    const marker = uniqueMarker();
    await signIn(page, 'policyAdmin', '/policies');
    const history = page.getByTestId('policy-versions');
    await history.waitFor();
    const liveBefore = Number(/v(\d+)\s*live/.exec((await history.textContent()) ?? '')?.[1]);
    await page.getByRole('button', { name: /Start a draft/ }).click();
    await page.getByTestId('draft-editor').waitFor();

    const panel = page.getByTestId('custom-categories');
    // Without a Mistral key the judge is the offline one, and the page says so.
    expect(await panel.getByTestId('judge-label').textContent()).toContain('offline similarity');
    await panel.getByRole('button', { name: 'Add a custom category' }).click();
    const form = panel.getByRole('form', { name: 'Custom category' });
    await form.getByLabel('Name shown to reviewers').fill('Ticket resale above face value');
    await form
      .getByLabel('The rule, in plain language')
      .fill(
        'No ticket resale above face value: do not sell or offer event tickets for more than they cost.',
      );
    await form
      .getByLabel(/Posts that break it/)
      .fill(
        'Selling two concert tickets, 300 each, face value was 90\nTickets for Saturday at double the face value, DM me',
      );
    await form
      .getByLabel(/Posts that do not/)
      .fill('Selling my ticket at face value, cannot go anymore\nWho has tickets for Friday?');
    await form.getByLabel(/Judge only posts with these words/).fill('ticket*');
    await form.getByLabel('Review at confidence').fill('0.5');
    expect(await form.getByLabel(/^Key/).inputValue()).toBe('ticket_resale_above_face_value');
    await form.getByRole('button', { name: 'Save to draft' }).click();

    const card = panel.getByTestId('custom-ticket_resale_above_face_value');
    await card.waitFor();
    expect(await card.getByTestId('evaluation-status').textContent()).toContain('Not evaluated');
    await card.getByRole('button', { name: 'Evaluate' }).click();
    const summary = card.getByTestId('evaluation-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/Precision 100%.*recall 100%.*on 4 items/);
    await card.getByRole('button', { name: 'Show items' }).click();
    await page.screenshot({ path: screenshotPath('custom-policy-evaluated'), fullPage: true });

    await page.getByRole('button', { name: 'Publish…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish the draft' });
    await dialog.getByLabel('Change note (required)').fill(`e2e ${marker}: ticket resale`);
    if (await dialog.getByTestId('confirm-large').isVisible())
      await dialog.getByTestId('confirm-large').locator('input').check();
    await dialog.getByRole('button', { name: /Publish version/ }).click();
    await history.locator('li.live', { hasText: `v${liveBefore + 1}` }).waitFor();

    // The live policy reaches the pipeline within 2 s; then a matching post arrives.
    await page.waitForTimeout(2500);
    const text = `Selling 2 tickets for the final, 300 each, face value was 80 (${marker})`;
    await produce([post(text), post(`Lovely harbour sunset tonight ${marker}`)]);
    await page.goto(new URL(`/?q=${marker}`, page.url()).toString());
    await waitForPost(page, text);
    const row = page.getByTestId('queue').locator('tr', { hasText: text });
    expect(await row.textContent()).toContain('Ticket resale above face value');
    // The unrelated post was never judged, and is not in the queue.
    expect(await page.getByText('Lovely harbour sunset').count()).toBe(0);

    await page.getByRole('link', { name: text }).click();
    const judgement = page.getByTestId('judgement-ticket_resale_above_face_value');
    await judgement.waitFor();
    expect(await judgement.textContent()).toContain('breaks the rule');
    const quotes = await judgement.locator('.evidence-quote').allTextContents();
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(text).toContain(q.replace(/^“|”$/g, ''));
    expect(await judgement.textContent()).toContain('Offline similarity judge');
    // The evidence is marked in the post itself.
    expect(await page.locator('.post-text mark').count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('custom-policy-flag'), fullPage: true });

    // Back to what was live, so the rest of the suite sees the usual policy.
    await page.goto(new URL('/policies', page.url()).toString());
    await history.getByRole('button', { name: `Roll back to v${liveBefore}` }).click();
    const rollback = page.getByRole('dialog', { name: 'Roll back' });
    await rollback.getByLabel('Why (required)').fill(`e2e ${marker}: undo`);
    await rollback.getByRole('button', { name: 'Roll back' }).click();
    await history.locator('li.live', { hasText: `v${liveBefore + 2}` }).waitFor();
  });
});
