import type { Browser, Locator, Page } from 'playwright-core';
import { uniqueMarker } from './support/marker';
import { launchChromium, screenshotPath } from './support/browser';
import { platformConsumer, post, produce } from './support/produce';
import { dashboardUrl, signIn } from './support/session';

/** Reloads until `item` shows: the appeals list refreshes itself only every 30 s. */
async function reloadUntilVisible(page: Page, item: Locator, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await item
      .waitFor({ timeout: 3000 })
      .then(() => true)
      .catch(() => false);
    if (shown) return;
    if (Date.now() > deadline) throw new Error('the appeal never showed');
    await page.reload();
  }
}

describe('appeals in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('a reviewer removes and states the reasons, the author appeals, a second reviewer overturns, and the platform receives it all', async () => {
    const platform = await platformConsumer();
    try {
      const marker = uniqueMarker();
      // An author of its own: other specs' decisions on the shared e2e author move its strikes,
      // and an account recommendation would join this post's messages.
      const event = {
        ...post(`appeal ${marker}: I will kill you`),
        authorId: `appellant-${marker}`,
      };
      const appealId = `appeal-${marker}`;

      const reviewer = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await signIn(reviewer, 'reviewer', `/?q=${marker}`);
      await produce([event]);
      await reviewer.getByRole('link', { name: event.text }).click({ timeout: 45_000 });
      await reviewer.getByTestId('flag-detail').waitFor();
      await reviewer.keyboard.press('r');
      await reviewer.getByRole('button', { name: /Confirm remove/ }).click();
      await reviewer
        .getByTestId('decided')
        .getByText(/Removed/)
        .waitFor();
      const flagPath = new URL(reviewer.url()).pathname;

      // The statement of reasons: drafted from the evidence, reworded, sent to the author.
      const statement = reviewer.getByTestId('statement');
      await statement.getByText('Draft').waitFor({ timeout: 15_000 });
      expect(await statement.getByRole('textbox').inputValue()).toContain(
        'A human reviewer examined the post and removed it',
      );
      await statement
        .getByRole('textbox')
        .fill('A direct threat of violence against another user.');
      await statement.getByRole('button', { name: 'Save wording' }).click();
      await statement.getByRole('button', { name: 'Send to the author now' }).click();
      await statement.getByText('Final').waitFor();
      await reviewer.screenshot({ path: screenshotPath('statement-of-reasons'), fullPage: true });

      // The platform sends the author's appeal on its topic.
      await produce(
        [{ appealId, source: event.source, eventId: event.id, statement: 'I was quoting a film.' }],
        'moderation.appeals',
      );
      await reviewer.goto(`${dashboardUrl}/appeals`);
      const own = reviewer.getByRole('listitem', { name: `Appeal ${appealId}` });
      await reloadUntilVisible(reviewer, own);
      // Whoever removed it cannot judge the appeal.
      await own.getByTestId('own-decision').waitFor();
      expect(await own.getByRole('button', { name: 'Decide the appeal' }).count()).toBe(0);

      const second = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await signIn(second, 'policyAdmin', '/appeals');
      const card = second.getByRole('listitem', { name: `Appeal ${appealId}` });
      await card.waitFor();
      expect(await card.textContent()).toContain('I was quoting a film.');
      await second.screenshot({ path: screenshotPath('appeals') });
      await card.getByLabel('Overturn — restore the post').check();
      await card.getByLabel(/Reason/).fill('A quotation from a film, not a threat');
      await card.getByRole('button', { name: 'Decide the appeal' }).click();
      // Decided appeals leave the waiting list and show under Overturned.
      await card.waitFor({ state: 'detached' });
      await second.getByRole('tab', { name: 'Overturned' }).click();
      await second
        .getByRole('listitem', { name: `Appeal ${appealId}` })
        .getByText(/Overturned by/)
        .waitFor();

      const deadline = Date.now() + 30_000;
      let mine: Record<string, unknown>[] = [];
      while (Date.now() < deadline) {
        mine = platform.received.filter((m) => m['eventId'] === event.id);
        if (mine.some((m) => m['kind'] === 'appeal')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(mine.map((m) => [m['kind'], m['decision']])).toStrictEqual([
        ['automatic', 'review'],
        ['reviewer', 'block'],
        ['notice', 'block'],
        ['appeal', 'allow'],
      ]);
      expect(mine[2]).toMatchObject({
        statement: { decision_facts: 'A direct threat of violence against another user.' },
      });
      expect(mine[3]).toMatchObject({ appealId, outcome: 'overturned' });

      // The item's history tells the whole story.
      await second.goto(`${dashboardUrl}${flagPath}`);
      const history = second.getByTestId('history');
      await history
        .getByText('Appealed by the author (via kafka): “I was quoting a film.”')
        .waitFor();
      await history
        .getByText(/Appeal overturned by .*: A quotation from a film, not a threat/)
        .waitFor();
    } finally {
      await platform.stop();
    }
  });
});
