#!/usr/bin/env node
// `npm run rescore`, `npm run retention` and `npm run dead-letters`: the api's one-off commands. With DATABASE_URL and
// KAFKA_BROKERS set they use those; otherwise they use the embedded PostgreSQL and broker of the
// `npm start` running in this checkout, so that the README's commands work beside it as written.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUNNING_FILE, readRunning } from './lib/running.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };

if (!env.DATABASE_URL || !env.KAFKA_BROKERS) {
  const dataDir = resolve(root, env.SIEVE_DATA_DIR ?? '.data');
  const running = readRunning(join(dataDir, RUNNING_FILE));
  if (!running) {
    console.error(
      [
        'sieve: no database to work on. Either start Sieve with `npm start` in another terminal',
        '(this command then uses its embedded PostgreSQL and broker), or set DATABASE_URL and',
        "KAFKA_BROKERS to your installation's.",
      ].join('\n'),
    );
    process.exit(2);
  }
  for (const [name, value] of Object.entries(running)) env[name] ??= value;
  console.error('sieve: using the PostgreSQL and broker of the running `npm start`');
}

const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', join(root, 'dist/apps/api/main.js'), ...process.argv.slice(2)],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
