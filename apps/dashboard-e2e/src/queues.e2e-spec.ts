import type { Browser } from 'playwright-core';
import { uniqueMarker } from './support/marker';
import { launchChromium, screenshotPath } from './support/browser';
import { post, produce } from './support/produce';
import { signIn } from './support/session';

describe('queues and routing in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('a policy admin makes a French queue and a rule; a French post lands there and a member takes it with "next item"', async () => {
    const marker = uniqueMarker();
    const admin = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await signIn(admin, 'policyAdmin', '/queues');

    const form = admin.getByRole('form', { name: 'New queue' });
    await form.getByLabel('Id (in addresses)').fill(`french-${marker}`);
    await form.getByLabel('Name').fill('French');
    await form.getByLabel('Description').fill('Posts in French, for French speakers');
    await form.getByLabel('Everyone at').selectOption('');
    await form.getByLabel('Target (minutes)').fill('30');
    await form.getByRole('checkbox', { name: /^Demo Reviewer \(/ }).check();
    await form.getByRole('button', { name: 'Create queue' }).click();
    await admin.getByTestId(`queue-french-${marker}`).waitFor();

    const editor = admin.getByTestId('routing-editor');
    await editor.getByRole('button', { name: 'Add a rule' }).click();
    const rule = editor.getByTestId('routing-rule').last();
    await rule.getByLabel('Name').fill('French posts');
    await rule.getByLabel('Queue').selectOption(`french-${marker}`);
    await rule.getByLabel('Languages').fill('fr');
    await editor.getByRole('button', { name: 'Preview on past flags' }).click();
    await admin.getByTestId('routing-preview').waitFor();
    await editor.getByLabel('Change note').fill('French speakers take French posts');
    await admin.screenshot({ path: screenshotPath('queues-and-routing'), fullPage: true });
    await editor.getByRole('button', { name: 'Publish rules' }).click();
    await editor.getByText(/Published version \d+/).waitFor();

    const french = `je vais te tuer ${marker}`;
    await produce([{ ...post(french), lang: 'fr' }, post(`I will kill you ${marker}`)]);

    const reviewer = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signIn(reviewer, 'reviewer', '/');
    const tabs = reviewer.getByTestId('queue-tabs');
    const tab = tabs.getByRole('button', { name: /^French/ });
    await tab.waitFor({ timeout: 45_000 });
    await tab.click();
    await reviewer.getByRole('heading', { name: 'French' }).waitFor();
    await reviewer.getByText(french).waitFor({ timeout: 45_000 });
    // Only the French post is in the French queue.
    expect(await reviewer.getByText(`I will kill you ${marker}`).count()).toBe(0);
    await reviewer.screenshot({ path: screenshotPath('queue-french') });

    await reviewer.getByRole('button', { name: 'Start reviewing' }).click();
    const detail = reviewer.getByTestId('flag-detail');
    await detail.waitFor();
    expect(await detail.locator('blockquote').textContent()).toContain(french);
    expect(await reviewer.getByTestId('flag-queue').textContent()).toBe('French');
    await detail.getByText('Demo Reviewer').waitFor();
    await reviewer.screenshot({ path: screenshotPath('queue-french-item') });

    // Back to no rules for the specs after this one.
    await admin.reload();
    await editor.getByTestId('routing-rule').first().waitFor();
    const rules = admin.getByTestId('routing-rule');
    for (let n = await rules.count(); n > 0; n--)
      await admin.getByRole('button', { name: `Remove rule ${n}` }).click();
    await editor.getByLabel('Change note').fill('French rule off after the e2e');
    await editor.getByRole('button', { name: 'Publish rules' }).click();
    await editor.getByText(/Published version \d+/).waitFor();
  });
});
