import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../../tools/lib/free-port.mjs';
import { ensureCommand } from '../../../../tools/lib/system-deps.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../../../../..');

/** Starts the whole system the way `npm start` does, on free ports, with a throwaway database. */
export default async function globalSetup() {
  ensureCommand('chromium', 'chromium', 'Chromium is needed for the browser tests.');
  const [apiPort, dashboardPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['tools/start.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(apiPort),
      DASHBOARD_PORT: String(dashboardPort),
      SIEVE_DATA_DIR: mkdtempSync(join(tmpdir(), 'sieve-e2e-')),
      SIEVE_DEMO: 'false',
      SIEVE_SKIP_BUILD: 'true',
      SIEVE_DASHBOARD: 'preview',
      SIEVE_DEMO_USERS: 'true',
      BACKTEST_SETTLE_SECONDS: '2',
      // No polling: new flags must reach the page through the live event stream.
      VITE_QUEUE_REFRESH_MS: '0',
      MISTRAL_API_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = await new Promise((resolveReady, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`stack not ready after 120 s:\n${output.slice(-3000)}`)),
      120_000,
    );
    const onData = (chunk) => {
      output += chunk.toString();
      const match = output.match(/SIEVE_READY (\{.*\})/);
      if (match) {
        clearTimeout(timer);
        resolveReady(JSON.parse(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`tools/start.mjs exited with ${code}:\n${output.slice(-3000)}`)),
    );
  });
  globalThis.__SIEVE_E2E__ = child;
  process.env.SIEVE_E2E_DASHBOARD_URL = ready.dashboardUrl;
  process.env.SIEVE_E2E_API_URL = ready.apiUrl;
  process.env.SIEVE_E2E_BROKERS = ready.brokers;
}
