import type { Browser, Page } from 'playwright-core';
import { uniqueMarker } from './support/marker';
import { launchChromium, screenshotPath } from './support/browser';
import { platformConsumer, post, produce } from './support/produce';
import { waitForPost } from './support/queue';
import { signIn } from './support/session';

describe('erasure, retention and the transparency report in Chromium', () => {
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

  it("an admin erases an author's content from the item: the text is gone, the decision stays, the platform hears", async () => {
    const platform = await platformConsumer();
    try {
      const marker = uniqueMarker();
      const authorId = `erase-me-${marker}`;
      const flagged = { ...post(`I will kill you ${marker}`), authorId };
      const allowed = { ...post(`Lovely harbour sunset ${marker}`), authorId };
      await signIn(page, 'admin', `/?q=${marker}`);
      await produce([flagged, allowed]);
      await waitForPost(page, flagged.text);
      await page.getByRole('link', { name: flagged.text }).click();
      await page.getByTestId('flag-detail').waitFor();

      await page.getByRole('button', { name: /Erase this author's content/ }).click();
      await page.getByLabel('Request reference or reason').fill(`GDPR request ${marker}`);
      await page.getByRole('button', { name: 'Erase permanently' }).click();
      expect(await page.getByTestId('erased').textContent()).toContain('2 stored posts');
      // The item shows the post as erased; the decision and scores stay on the page.
      await page.getByTestId('post-erased').waitFor();
      expect(await page.getByTestId('flag-detail').textContent()).not.toContain(flagged.text);
      await page.screenshot({ path: screenshotPath('erased-item'), fullPage: true });

      // The queue row says so too, and the platform got one erasure message per post.
      await page.goto(new URL(`/?status=all&authorId=${authorId}`, page.url()).toString());
      await page.getByText("Erased at the author's request").first().waitFor();
      const deadline = Date.now() + 30_000;
      const erasures = () =>
        platform.received.filter((m) => m['kind'] === 'erasure' && m['authorId'] === authorId);
      while (erasures().length < 2 && Date.now() < deadline) await page.waitForTimeout(200);
      expect(
        erasures()
          .map((m) => m['eventId'])
          .sort(),
      ).toStrictEqual([allowed.id, flagged.id].sort());
      // …and one that says the erasure is complete, with how many posts it erased.
      const completed = () =>
        platform.received.filter(
          (m) => m['kind'] === 'erasure_completed' && m['authorId'] === authorId,
        );
      while (completed().length < 1 && Date.now() < deadline) await page.waitForTimeout(200);
      expect(completed()).toMatchObject([{ eventsErased: 2 }]);

      // The Data page lists the request and answers a dry run of retention.
      await page.goto(new URL('/admin/data', page.url()).toString());
      await page.getByTestId('erasures').getByText(`GDPR request ${marker}`).waitFor();
      await page.getByRole('button', { name: /dry run/ }).click();
      expect(await page.getByTestId('retention-report').textContent()).toMatch(
        /^Would remove \d+ allowed posts/,
      );
      await page.screenshot({ path: screenshotPath('data-page'), fullPage: true });
    } finally {
      await platform.stop();
    }
  });

  it('the transparency report counts a reviewer removal as partly automated and downloads as CSV', async () => {
    const marker = uniqueMarker();
    const event = post(`transparency ${marker}: I will kill you`);
    await signIn(page, 'reviewer', `/transparency`);
    const partly = page.getByTestId('automation-partly');
    await partly.waitFor();
    const count = async () => Number(/\d+/.exec((await partly.textContent()) ?? '')?.[0]);
    const before = await count();

    // Flagged first, then the queue opened on it: this test is about the report, not live arrivals.
    await produce([event]);
    const deadline = Date.now() + 45_000;
    while (
      !(await page.evaluate(
        async (q) => (await (await fetch(`/api/flags?q=${q}`)).json()).items.length > 0,
        marker,
      ))
    ) {
      if (Date.now() > deadline) throw new Error('the post was never flagged');
      await page.waitForTimeout(250);
    }
    await page.goto(new URL(`/?q=${marker}`, page.url()).toString());
    await waitForPost(page, event.text);
    await page.getByRole('link', { name: event.text }).click();
    await page.getByTestId('flag-detail').waitFor();
    await page.keyboard.press('r');
    await page.getByRole('button', { name: /Confirm remove/ }).click();
    await page
      .getByTestId('decided')
      .getByText(/Removed/)
      .waitFor();

    await page.goto(new URL('/transparency', page.url()).toString());
    await partly.waitFor();
    expect(await count()).toBe(before + 1);
    expect(await page.getByTestId('transparency-rows').textContent()).toContain('Removed');
    const link = page.getByRole('link', { name: 'CSV' });
    const href = new URL((await link.getAttribute('href')) ?? '', page.url()).toString();
    const response = await page.request.get(href);
    expect(response.status()).toBe(200);
    expect((await response.text()).split('\r\n')[0]).toBe(
      'period,kind,category,action,automation,count',
    );
    await page.screenshot({ path: screenshotPath('transparency'), fullPage: true });
  });

  it('an admin sees the dead letters by reason and sends one reason back, after a count', async () => {
    const marker = uniqueMarker();
    // No source: refused as invalid_event.
    await produce([{ id: `e2e-dead-${marker}`, text: `no source ${marker}` }]);
    await signIn(page, 'admin', '/admin/data');
    const check = page.getByRole('button', { name: 'Check the dead-letter topic' });
    const row = page.getByTestId('dead-letters').locator('tr', { hasText: 'invalid_event' });
    const deadline = Date.now() + 30_000;
    // The dead letter is written as the batch is processed: look again until it is there.
    while (!(await row.isVisible())) {
      if (Date.now() > deadline) throw new Error('no invalid_event dead letter');
      await check.click();
      await page.getByRole('button', { name: 'Check the dead-letter topic' }).waitFor();
    }
    expect(await row.textContent()).toContain('source');
    await row.getByRole('button', { name: 'Replay invalid_event' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay dead letters' });
    const send = dialog.getByRole('button', { name: /^Replay \d+$/ });
    await send.waitFor();
    expect(await dialog.textContent()).toMatch(/Send \d+ dead letters? of invalid_event back to/);
    await page.screenshot({ path: screenshotPath('dead-letters'), fullPage: true });
    await send.click();
    await dialog.getByText(/^Sent \d+ back\.$/).waitFor();
  });
});
