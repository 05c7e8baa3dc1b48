import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { uniqueMarker } from './support/marker';
import { launchChromium } from './support/browser';
import { post, produce } from './support/produce';
import { dashboardUrl, signIn } from './support/session';

// Evaluated through the devtools protocol: the page's CSP (no inline scripts) stays on.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } })
      .axe;
    return (await axe.run()).violations;
  });
  return (violations as Violation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

describe('accessibility of every page (axe-core in Chromium)', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(() => browser?.close());

  it('has no serious or critical findings on the sign-in page', async () => {
    await page.goto(`${dashboardUrl}/login`);
    await page.getByLabel('E-mail').waitFor();
    expect(await seriousViolations(page)).toStrictEqual([]);
  });

  it('has none on any page an admin can open', async () => {
    const marker = uniqueMarker();
    await signIn(page, 'admin', `/?q=${marker}`);
    await produce([post(`I will kill you ${marker}, mail jane.doe@example.org`)]);
    const link = page.getByRole('link', { name: new RegExp(marker) });
    await link.waitFor({ timeout: 45_000 });
    const pages: [string, () => Promise<unknown>][] = [
      ['queue', () => page.getByTestId('queue').waitFor()],
      [
        'item',
        async () => {
          await link.click();
          await page.getByTestId('flag-detail').waitFor();
          await page.keyboard.press('w');
          await page.getByTestId('explanation-card').waitFor();
        },
      ],
      [
        'shortcut help',
        async () => {
          await page.keyboard.press('?');
          await page.getByTestId('shortcut-help').waitFor();
        },
      ],
      [
        'stats',
        () => page.goto(`${dashboardUrl}/stats`).then(() => page.getByTestId('stats').waitFor()),
      ],
      [
        'policies',
        () =>
          page
            .goto(`${dashboardUrl}/policies`)
            .then(() => page.getByRole('heading', { name: /Polic/ }).first().waitFor()),
      ],
      [
        'repeat offenders',
        () =>
          page
            .goto(`${dashboardUrl}/authors`)
            .then(() => page.getByRole('tab', { name: /^All repeat offenders \(/ }).waitFor()),
      ],
      [
        'account',
        () =>
          page
            .goto(`${dashboardUrl}/account`)
            .then(() => page.getByRole('heading').first().waitFor()),
      ],
      [
        'users',
        () =>
          page.goto(`${dashboardUrl}/admin/users`).then(() => page.getByTestId('users').waitFor()),
      ],
      [
        'audit log',
        () =>
          page.goto(`${dashboardUrl}/admin/audit`).then(() => page.getByTestId('audit').waitFor()),
      ],
    ];
    const found: Record<string, string[]> = {};
    for (const [name, open] of pages) {
      await open();
      found[name] = await seriousViolations(page);
    }
    expect(found).toStrictEqual(Object.fromEntries(pages.map(([name]) => [name, []])));
  });

  it('gives the shortcut dialog the focus, as a modal dialog', async () => {
    await page.goto(`${dashboardUrl}/`);
    await page.getByTestId('queue-hint').waitFor();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
    await page.keyboard.press('Escape');
  });
});
