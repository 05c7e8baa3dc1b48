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
      .getByTestId('users-status')
      .getByText(/is now Reviewer/)
      .waitFor();
    // And back, for the rest of the suite.
    await select.selectOption('viewer');
    await dialog.getByRole('button', { name: 'Change role' }).click();
    await page
      .getByTestId('users-status')
      .getByText(/is now Viewer/)
      .waitFor();
  });

  it('sets a new password for someone who lost theirs, who then signs in with it', async () => {
    const email = `e2e-forgetful-${randomUUID().slice(0, 8)}@sieve.local`;
    const users = `${page.url().split('/admin')[0]}/admin/users`;
    await page.goto(users);
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('E-mail').fill(email);
    await form.getByLabel('Name').fill('Forgetful Fran');
    await form
      .getByLabel('Initial password (12 characters or more)')
      .fill('first-long-passphrase-42');
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByTestId('users').getByText(email).waitFor();

    await page.getByRole('button', { name: `Set new password for ${email}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Set a new password' });
    await dialog.getByLabel(/New password/).fill('replacement-passphrase-77');
    await page.screenshot({ path: screenshotPath('admin-reset-password') });
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await page
      .getByTestId('users-status')
      .getByText(/Forgetful Fran has a new password/)
      .waitFor();

    const other = await browser.newPage();
    const login = (password: string) =>
      other.evaluate(
        async ([e, p]) =>
          (
            await fetch('/api/auth/login', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email: e, password: p }),
            })
          ).status,
        [email, password],
      );
    await other.goto(`${page.url().split('/admin')[0]}/login`);
    expect(await login('first-long-passphrase-42')).toBe(401);
    expect(await login('replacement-passphrase-77')).toBe(200);
    await other.close();
  });
});
