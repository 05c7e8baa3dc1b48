import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from './support/browser';
import { dashboardUrl, DEMO, signIn } from './support/session';

describe('signing in, roles and signing out in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    page = await (await browser.newContext()).newPage();
  });
  afterEach(() => page?.context().close());

  it('sends a signed-out visitor to sign in, refuses a wrong password, then returns to the page asked for', async () => {
    await page.goto(`${dashboardUrl}/account`);
    await page.waitForURL(/\/login\?next=%2Faccount/);
    await page.getByLabel('E-mail').fill(DEMO.reviewer.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('Invalid e-mail or password');
    await page.screenshot({ path: screenshotPath('login-refused') });

    await page.getByLabel('Password').fill(DEMO.reviewer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account$/);
    expect(await page.getByTestId('whoami').textContent()).toBe('Demo Reviewer · Reviewer');
    // The session cookie is invisible to scripts.
    expect(await page.evaluate(() => document.cookie)).not.toContain('sieve_session');
  });

  it('refuses a page above the role, in the page and at the api', async () => {
    await signIn(page, 'viewer', '/admin/users');
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('forbidden').textContent()).toContain('needs the Admin role');
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/api/users')).status);
    expect(status).toBe(403);
    await page.screenshot({ path: screenshotPath('forbidden') });
  });

  it('lets an admin see users and the audit log, and signing out ends the session', async () => {
    await signIn(page, 'admin');
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByTestId('users').getByText(DEMO.reviewer.email).waitFor();
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByTestId('audit').getByText('auth.login').first().waitFor();
    await page.screenshot({ path: screenshotPath('audit-log') });

    await page.getByRole('link', { name: 'Stats' }).click();
    await page.getByTestId('stats').getByText('reviewer agreement').waitFor();
    await page.screenshot({ path: screenshotPath('stats'), fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401);
    await page.goto(`${dashboardUrl}/admin/audit`);
    await page.waitForURL(/\/login\?next=/);
  });

  it('serves the dashboard with a strict Content-Security-Policy', async () => {
    const response = await page.goto(`${dashboardUrl}/login`);
    const csp = (await response?.headerValue('content-security-policy')) ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
