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
    const audit = page.getByTestId('audit');
    await audit.getByText('auth.login').first().waitFor();
    await page.screenshot({ path: screenshotPath('audit-log') });
    // What the demo admin did and what was done to that account, through the api's filters.
    await page.getByLabel('Who').selectOption({ label: `Demo Admin (${DEMO.admin.email})` });
    await page.getByLabel('Action').selectOption({ label: 'Sign-ins, sign-outs and failures' });
    await page.waitForURL(/actorId=.*action=auth|action=auth.*actorId=/);
    const adminRow = audit.locator('tbody tr', { hasText: 'user Demo Admin' }).first();
    await adminRow.getByRole('button', { name: 'history' }).click();
    await page.getByTestId('audit-object-filter').getByText('user Demo Admin').waitFor();
    const actions = await audit.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(actions).toContain('auth.login');
    expect(actions.filter((a) => !a.startsWith('auth.'))).toStrictEqual([]);
    // The account's whole history: its creation was done by the system, not by the admin.
    await page.getByLabel('Who').selectOption('');
    await page.getByLabel('Action').selectOption('');
    await audit.getByText('user.created').waitFor();

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
