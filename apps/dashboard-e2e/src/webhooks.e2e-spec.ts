import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from './support/browser';
import { signIn } from './support/session';

describe('webhooks in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Server;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('adds an endpoint, shows its secret once, sends a signed test, and a disabled endpoint is never silent', async () => {
    const name = `platform-${randomUUID().slice(0, 6)}`;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sieve`;
    await signIn(page, 'admin', '/admin/webhooks');
    const form = page.getByRole('form', { name: 'Add an endpoint' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('URL (http or https)').fill(url);
    await form.getByLabel('Automatic decisions').check();
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const secret =
      (await page.getByTestId('new-webhook-secret').locator('code').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);

    const row = page.getByTestId('webhooks').locator('tr', { hasText: name });
    await row.getByText('active').waitFor();
    await row.getByRole('button', { name: 'Send test' }).click();
    await page.getByTestId('ping-result').getByText('accepted (HTTP 204)').waitFor();
    const ping = received[received.length - 1];
    const timestamp = String(ping.headers['sieve-webhook-timestamp']);
    expect(ping.headers['sieve-webhook-signature']).toBe(
      'v1=' + createHmac('sha256', secret).update(`${timestamp}.${ping.body}`).digest('hex'),
    );
    await page.screenshot({ path: screenshotPath('webhooks') });

    await row.getByRole('button', { name: 'Disable' }).click();
    const banner = page.getByTestId('webhooks-banner');
    await banner.getByText(`Webhook endpoint “${name}” is disabled`).waitFor();
    await page.goto(page.url().replace('/admin/webhooks', '/'));
    await banner.waitFor(); // on every page, for every admin
    await page.screenshot({ path: screenshotPath('webhooks-disabled-banner') });
    await banner.getByRole('link', { name: 'Review and enable' }).click();
    await row.getByRole('button', { name: 'Enable' }).click();
    await banner.waitFor({ state: 'detached' });

    await row.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete the endpoint' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await row.waitFor({ state: 'detached' });
  });
});
