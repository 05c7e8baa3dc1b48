import type { Page } from 'playwright-core';

export const dashboardUrl = process.env['SIEVE_E2E_DASHBOARD_URL'] ?? '';

/** The demo accounts `npm start` seeds (apps/api/src/users/demo-users.json). */
export const DEMO = {
  viewer: { email: 'viewer@sieve.local', password: 'viewer-demo-password' },
  reviewer: { email: 'reviewer@sieve.local', password: 'reviewer-demo-password' },
  policyAdmin: { email: 'policy@sieve.local', password: 'policy-demo-password' },
  admin: { email: 'admin@sieve.local', password: 'admin-demo-password' },
} as const;

export async function signIn(page: Page, who: keyof typeof DEMO, path = '/'): Promise<void> {
  await page.goto(`${dashboardUrl}${path}`);
  await page.getByLabel('E-mail').fill(DEMO[who].email);
  await page.getByLabel('Password').fill(DEMO[who].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').waitFor();
}
