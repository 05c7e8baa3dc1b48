#!/usr/bin/env node
// `npm test`: the whole suite from a clean clone — formatting, lint, types, unit tests and
// builds, then integration specs (embedded Postgres + Kafka-protocol broker) and the browser
// e2e (Debian Chromium). Installs the Debian packages it needs when they are missing.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCommand } from './lib/system-deps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => console.log(`[test] ${message}`);
const env = {
  ...process.env,
  NX_NO_CLOUD: 'true',
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  FORCE_COLOR: '0',
};

function step(title, command, args) {
  log(title);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (result.status !== 0) {
    log(`FAILED: ${title} (${seconds} s)`);
    process.exit(result.status ?? 1);
  }
  log(`passed: ${title} (${seconds} s)`);
}

try {
  if (!process.env.KAFKA_BROKERS) {
    ensureCommand(
      'kcat',
      'kcat',
      'It runs the Kafka-protocol broker for the integration tests; or set KAFKA_BROKERS.',
      log,
    );
  }
  ensureCommand('chromium', 'chromium', 'It runs the browser end-to-end tests.', log);
} catch (error) {
  console.error(`[test] ${error.message}`);
  process.exit(1);
}

const nx = (targets, extra = []) => [
  'nx',
  'run-many',
  '-t',
  ...targets,
  '--output-style=stream',
  ...extra,
];
step('formatting (prettier --check)', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']);
step('lint of the root scripts (tools/)', 'npx', ['eslint', '--max-warnings=0', 'tools']);
step('lint, typecheck, unit tests, builds', 'npx', nx(['lint', 'typecheck', 'test', 'build']));
step(
  'integration tests (embedded Postgres + Kafka-protocol broker)',
  'npx',
  nx(['integration'], ['--parallel=1']),
);
step('browser end-to-end tests (Chromium)', 'npx', nx(['e2e'], ['--parallel=1']));
log('all green');
