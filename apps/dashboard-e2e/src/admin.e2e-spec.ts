import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from './support/browser';
import { signIn } from './support/session';

const apiUrl = () => process.env['SIEVE_E2E_API_URL'] ?? '';

describe('administration in Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(() => browser?.close());

  it('creates an API token shown once, which works until it is revoked', async () => {
    const name = `e2e-script-${randomUUID().slice(0, 8)}`;
    await signIn(page, 'admin', '/admin/tokens');
    await page.getByLabel('Name (what uses it)').fill(name);
    await page.locator('form[aria-label="Create a token"] select').first().selectOption('reviewer');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('new-token').locator('code').textContent()) ?? '';
    expect(secret).toMatch(/^sieve_/);
    const row = page.getByTestId('tokens').locator('tr', { hasText: name });
    await row.waitFor();
    expect(await row.textContent()).toContain('active');
    await page.screenshot({ path: screenshotPath('admin-tokens') });

    const asScript = () =>
      fetch(`${apiUrl()}/api/flags?limit=1`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await asScript()).status).toBe(200);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke the token' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await row.getByText(/revoked/).waitFor();
    expect((await asScript()).status).toBe(401);
  });

  it('asks before changing a role, then says what happened', async () => {
    await page.goto(`${page.url().split('/admin')[0]}/admin/users`);
    const select = page.getByLabel('Role of viewer@sieve.local');
    await select.selectOption('reviewer');
    const dialog = page.getByRole('dialog', { name: 'Change the role' });
    expect(await dialog.textContent()).toContain('from Viewer to Reviewer');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await select.inputValue()).toBe('viewer');
    await select.selectOption('reviewer');
    await dialog.getByRole('button', { name: 'Change role' }).click();
    await page
      .getByTestId('role-changed')
      .getByText(/is now Reviewer/)
      .waitFor();
    // And back, for the rest of the suite.
    await select.selectOption('viewer');
    await dialog.getByRole('button', { name: 'Change role' }).click();
    await page
      .getByTestId('role-changed')
      .getByText(/is now Viewer/)
      .waitFor();
  });
});
