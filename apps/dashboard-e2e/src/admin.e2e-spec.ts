import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
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

  it('two-step sign-in: set up with an app, asked for at sign-in, removed by an admin for a lost phone', async () => {
    const email = `e2e-careful-${randomUUID().slice(0, 8)}@sieve.local`;
    const password = 'careful-carla-passphrase-9';
    const dashboard = page.url().split('/admin')[0];
    await page.goto(`${dashboard}/admin/users`);
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('E-mail').fill(email);
    await form.getByLabel('Name').fill('Careful Carla');
    await form.getByLabel('Initial password (12 characters or more)').fill(password);
    await form.getByLabel('They choose their own password when they first sign in').uncheck();
    await form.getByRole('button', { name: 'Add user' }).click();
    const carla = page.getByTestId('users').locator('tr', { hasText: email });
    await carla.waitFor();

    const context = await browser.newContext();
    const other = await context.newPage();
    const signIn = async (code?: string) => {
      await other.goto(`${dashboard}/account`);
      await other.getByLabel('E-mail').fill(email);
      await other.getByLabel('Password').fill(password);
      await other.getByRole('button', { name: 'Sign in' }).click();
      if (code === undefined) return;
      const field = other.getByLabel('Code from your authenticator app, or a recovery code');
      await field.fill(code);
      await other.getByRole('button', { name: 'Sign in' }).click();
    };
    await signIn();
    await other.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const key = (await other.getByTestId('second-factor-key').textContent()) ?? '';
    const app = new TOTP({ secret: Secret.fromBase32(key) });
    await other.getByLabel('2. The 6-digit code the app shows').fill(app.generate());
    await other.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    // allTextContents does not wait: the codes come with the api's answer.
    await other.getByTestId('recovery-codes').locator('li').nth(9).waitFor();
    const codes = await other.getByTestId('recovery-codes').locator('li').allTextContents();
    expect(codes).toHaveLength(10);
    await other.screenshot({ path: screenshotPath('two-step-recovery-codes') });
    await other.getByRole('button', { name: 'I have saved them' }).click();
    await other.getByText('10 recovery codes left.').waitFor();
    await other.getByRole('button', { name: 'Sign out' }).click();

    // The next code from the app (the set-up used this one), then a recovery code.
    await signIn(app.generate({ timestamp: Date.now() + 30_000 }));
    await other.getByRole('heading', { name: 'Your account' }).waitFor();
    await other.getByRole('button', { name: 'Sign out' }).click();
    await signIn(codes[0]);
    await other.getByText('9 recovery codes left.').waitFor();
    // Where she is signed in: here, and in no other session any more (each sign-out ended one).
    const sessions = other.getByTestId('signed-in-sessions');
    await sessions.getByText('This browser').waitFor();
    expect(await sessions.locator('tbody tr').count()).toBe(1);
    await sessions.scrollIntoViewIfNeeded();
    await other.screenshot({ path: screenshotPath('account-two-step-and-sessions') });
    await other.getByRole('button', { name: 'Sign out' }).click();

    // A lost phone: the admin removes it, and Carla signs in with her password alone.
    await page.reload();
    await carla.getByRole('button', { name: `Remove two-step sign-in of ${email}` }).click();
    await page
      .getByRole('dialog', { name: 'Remove two-step sign-in' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await page
      .getByTestId('users-status')
      .getByText(/two-step sign-in was removed/)
      .waitFor();
    await signIn();
    await other.getByRole('button', { name: 'Set up an authenticator app' }).waitFor();
    await context.close();
  });
});
