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

  it('sets a new password for someone who lost theirs, who signs in with it and chooses their own', async () => {
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
    const fran = page.getByTestId('users').locator('tr', { hasText: email });
    await fran.getByText('Set by an admin, to be changed at sign-in').waitFor();

    // Fran signs in with it in a browser of her own, and must choose her own before anything else.
    const context = await browser.newContext();
    const other = await context.newPage();
    const dashboard = page.url().split('/admin')[0];
    await other.goto(`${dashboard}/login`);
    const oldPassword = await other.evaluate(
      async ([e]) =>
        (
          await fetch('/api/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: e, password: 'first-long-passphrase-42' }),
          })
        ).status,
      [email],
    );
    expect(oldPassword).toBe(401);
    await other.goto(`${dashboard}/stats`);
    await other.getByLabel('E-mail').fill(email);
    await other.getByLabel('Password').fill('replacement-passphrase-77');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('heading', { name: 'Choose your own password' }).waitFor();
    expect(await other.getByRole('link', { name: 'Stats' }).count()).toBe(0);
    expect(await other.evaluate(async () => (await fetch('/api/flags')).status)).toBe(403);
    await other.screenshot({ path: screenshotPath('choose-own-password') });
    const choose = other.getByRole('form', { name: 'Your new password' });
    await choose.getByLabel('The password you signed in with').fill('replacement-passphrase-77');
    await choose.getByLabel(/New password/).fill('fran-alone-knows-this-77');
    await choose.getByRole('button', { name: 'Save and continue' }).click();
    // Then the page she asked for, and every page after it.
    await other.getByRole('heading', { name: /^Stats/ }).waitFor();
    expect(await other.evaluate(async () => (await fetch('/api/flags')).status)).toBe(200);
    await page.reload();
    await page.getByTestId('users').getByText(email).waitFor();
    expect(await fran.textContent()).not.toContain('Set by an admin');
    await context.close();
  });
});
