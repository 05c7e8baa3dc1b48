import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from './support/browser';
import { DEMO, dashboardUrl } from './support/session';

/**
 * Browsers offer WebAuthn on a name, never on an IP address: this spec opens the dashboard at
 * localhost, the origin `npm start` gives the api in WEBAUTHN_ORIGINS.
 */
const dashboard = dashboardUrl.replace('//127.0.0.1:', '//localhost:');

describe('security keys in Chromium (a virtual authenticator, as WebAuthn tests in browsers use)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  async function addUser(page: Page, email: string, password: string) {
    await page.goto(`${dashboard}/admin/users`);
    await page.getByLabel('E-mail').fill(DEMO.admin.email);
    await page.getByLabel('Password').fill(DEMO.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const form = page.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('E-mail').fill(email);
    await form.getByLabel('Name').fill('Keyed Kim');
    await form.getByLabel('Initial password (12 characters or more)').fill(password);
    await form.getByLabel('They choose their own password when they first sign in').uncheck();
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByTestId('users').locator('tr', { hasText: email }).waitFor();
  }

  /**
   * A new account, and a browser holding Chromium's own authenticator, reached over the DevTools
   * protocol: one with a PIN that keeps passkeys, touched and unlocked whenever asked. A `usb`
   * one is a security key; an `internal` one is the computer's own (a fingerprint), the kind
   * whose passkeys browsers list in a field's autofill.
   */
  async function personWithAuthenticator(transport: 'usb' | 'internal') {
    const email = `e2e-keyed-${randomUUID().slice(0, 8)}@sieve.local`;
    const password = 'keyed-kim-passphrase-42';
    const adminContext = await browser.newContext();
    await addUser(await adminContext.newPage(), email, password);
    await adminContext.close();
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport,
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const passwordStep = async () => {
      await page.goto(`${dashboard}/account`);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    return { context, page, cdp, authenticatorId, passwordStep };
  }

  /** Signed in: sets up the authenticator app, then adds the key under `name`. */
  async function setUpAppAndKey(page: Page, name: string) {
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('second-factor-key').textContent()) ?? '';
    const app = new TOTP({ secret: Secret.fromBase32(secret) });
    await page.getByLabel('2. The 6-digit code the app shows').fill(app.generate());
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    const keys = page.getByRole('region', { name: 'Security keys' });
    await keys.getByLabel('Name it').fill(name);
    await keys.getByRole('button', { name: 'Add a security key' }).click();
    await keys.getByText(`“${name}” added: it signs you in from now on.`).waitFor();
    return keys;
  }

  it('adds a key on the account page, signs in with it as the second step and as a passkey alone, and not once removed', async () => {
    const { context, page, cdp, authenticatorId, passwordStep } =
      await personWithAuthenticator('usb');
    await passwordStep();
    const keys = await setUpAppAndKey(page, 'Desk key');
    const row = keys.getByTestId('security-keys').locator('tr', { hasText: 'Desk key' });
    await row.getByText('never').waitFor();
    // The key holds one credential, bound to the dashboard's name.
    const held = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(held.credentials.map((c) => c.rpId)).toStrictEqual(['localhost']);
    await keys.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('account-security-keys') });
    await page.getByRole('button', { name: 'Sign out' }).click();

    // One touch in place of the code.
    await passwordStep();
    const useKey = page.getByRole('button', { name: 'Use your security key' });
    await useKey.waitFor();
    await page.screenshot({ path: screenshotPath('sign-in-security-key') });
    await useKey.click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await row.getByText('never').waitFor({ state: 'detached' });
    expect(await row.locator('td').nth(2).textContent()).toMatch(/ago|now/);

    await page.getByRole('button', { name: 'Sign out' }).click();

    // The passkey alone: no e-mail, no password, no code.
    await page.goto(`${dashboard}/account`);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(await page.getByTestId('whoami').textContent()).toContain('Keyed Kim');

    // Removed, it no longer signs in, alone or as the second step (which asks for the code only).
    await row.getByRole('button', { name: 'Remove Desk key' }).click();
    await keys.getByText('“Desk key” removed: it no longer signs you in.').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${dashboard}/account`);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page
      .getByRole('alert')
      .getByText('That passkey did not sign you in: try again, or use your e-mail and password')
      .waitFor();
    await passwordStep();
    await page.getByLabel('Code from your authenticator app, or a recovery code').waitFor();
    expect(await page.getByRole('button', { name: 'Use your security key' }).count()).toBe(0);
    await context.close();
  });

  it("offers a passkey in the e-mail field's autofill, and signs in with the one picked", async () => {
    const { context, page, passwordStep } = await personWithAuthenticator('internal');
    const offers: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/auth/passkey/options')) offers.push(r.method());
    });
    await passwordStep();
    await setUpAppAndKey(page, 'This laptop');
    // One offer while the sign-in page was open, none after.
    expect(offers).toStrictEqual(['POST']);
    await page.getByRole('button', { name: 'Sign out' }).click();

    // Nothing typed: the passkey picked from the e-mail field signs in.
    const signedIn = page.waitForResponse((r) => r.url().endsWith('/api/auth/passkey'));
    await page.goto(`${dashboard}/account`);
    expect((await signedIn).status()).toBe(200);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(await page.getByTestId('whoami').textContent()).toContain('Keyed Kim');
    await context.close();
  });
});
