// What `npm run bench`, `npm run bench:grouping` and `npm run chaos` share: child processes that
// are cleaned up on exit, building the api, the fake Mistral server, migrations, the stack a
// benchmark runs the api against, and the api itself.
import { fork, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp } from './free-port.mjs';
import { startMockKafka } from './kafka.mjs';
import { startEmbeddedPostgres } from './postgres.mjs';
import { ensureCommand } from './system-deps.mjs';

/** The api's heap as deployed (Dockerfile, npm start). */
export const DEPLOYED_HEAP_ARGS = ['--max-old-space-size=192', '--max-semi-space-size=16'];
/** BENCH_API_PROFILE=1: the api writes its CPU profile here on exit. */
export const CPU_PROFILE_ARGS = ['--cpu-prof', '--cpu-prof-dir=/tmp/sieve-prof'];

export function createRunner(root, env = process.env) {
  const cleanups = [];
  async function cleanup() {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
  }
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

  /** A child process whose last 30 output lines are kept (`proc.tail`), killed on cleanup. */
  function child(name, command, args, extraEnv = {}) {
    const proc = spawn(command, args, {
      cwd: root,
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail = [];
    const keep = (chunk) => {
      tail.push(...chunk.toString().split('\n').filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 30));
    };
    if (env.HARNESS_LOG_DIR) {
      mkdirSync(env.HARNESS_LOG_DIR, { recursive: true });
      const file = join(env.HARNESS_LOG_DIR, `${name}-${proc.pid}.log`);
      const save = (chunk) => appendFileSync(file, chunk);
      proc.stdout.on('data', save);
      proc.stderr.on('data', save);
    }
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    proc.tail = tail;
    proc.stopped = false;
    cleanups.push(
      () =>
        new Promise((done) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return done();
          proc.once('exit', done);
          proc.kill('SIGTERM');
          setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
        }),
    );
    proc.on('exit', (code, signal) => {
      // A signal other than cleanup's own (SIGABRT: V8's heap limit, say) is a death too.
      const died =
        (code && code !== 143) || (signal && signal !== 'SIGTERM' && signal !== 'SIGKILL');
      if (died && !proc.stopped)
        console.error(`[${name}] exited ${code ?? signal}:\n${tail.join('\n')}`);
    });
    return proc;
  }

  function buildApi() {
    if (env.SIEVE_SKIP_BUILD === 'true') return;
    const build = spawnSync('npx', ['nx', 'run', 'api:build', '--output-style=static'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  /** The fake Mistral in its own process; its faults can be changed at `${url}/__fake/faults`. */
  async function startFakeMistral({ latencyMs = 0, apiKey = 'harness-key' } = {}) {
    const port = await freePort();
    const proc = child('fake-mistral', process.execPath, [
      join(root, 'node_modules/ts-node/dist/bin.js'),
      '--transpile-only',
      '-P',
      'libs/mistral/tsconfig.lib.json',
      'libs/mistral/src/testing/cli.ts',
      '--port',
      String(port),
      '--latency',
      String(latencyMs),
      '--api-key',
      apiKey,
      '--no-record',
    ]);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/v1/models`, {
      isAlive: () => proc.exitCode === null,
      expectStatus: 401,
    });
    return { url, apiKey, proc };
  }

  function migrate(databaseUrl, brokers) {
    const run = spawnSync(process.execPath, ['dist/apps/api/main.js', '--migrate-only'], {
      cwd: root,
      env: { ...env, DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers, LOG_LEVEL: 'warn' },
      stdio: 'inherit',
    });
    if (run.status !== 0) throw new Error('migrations failed');
  }

  /**
   * Produces generated posts from a child process (tools/bench/producer.mjs) so producing does
   * not share a thread with what is measured. `progress()` says how far the consumer got, for
   * `window` (the most events allowed ahead of it).
   */
  function produce(
    { brokers, topic, count, rate = 0, window, dupRatio = 0, judgedRatio = 0, runId },
    progress,
  ) {
    const proc = fork(join(root, 'tools/bench/producer.mjs'), [
      JSON.stringify({
        brokers: [brokers],
        topic,
        count,
        rate,
        window: window ?? null,
        dupRatio,
        judgedRatio,
        runId,
      }),
    ]);
    const ticker = progress
      ? setInterval(async () => {
          const consumed = await progress();
          // The producer may have finished meanwhile.
          if (proc.connected) proc.send({ progress: consumed }, () => undefined);
        }, 100)
      : null;
    const done = new Promise((resolveDone, reject) => {
      proc.on('message', (m) => m.done && resolveDone(m));
      proc.on('exit', (code) => code && reject(new Error(`producer exited ${code}`)));
    }).finally(() => ticker && clearInterval(ticker));
    cleanups.push(async () => proc.kill('SIGKILL'));
    return { done, pid: proc.pid, stop: () => proc.kill('SIGKILL') };
  }

  /**
   * What a benchmark runs the api against, each part stopped on cleanup: the api built, embedded
   * PostgreSQL migrated, the mock broker, the fake Mistral answering after `mistralLatencyMs`.
   */
  async function startStack({
    database,
    mistralLatencyMs,
    apiKey,
    postgresFlags = [],
    log = console.log,
  }) {
    ensureCommand('kcat', 'kcat');
    log('building the api…');
    buildApi();
    const dataDir = mkdtempSync(join(tmpdir(), `sieve-${database}-pg-`));
    const postgres = await startEmbeddedPostgres({
      dataDir,
      database,
      persistent: false,
      postgresFlags,
    });
    cleanups.push(async () => {
      await postgres.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const broker = await startMockKafka();
    cleanups.push(() => broker.stop());
    const mistral = await startFakeMistral({ latencyMs: mistralLatencyMs, apiKey });
    migrate(postgres.url, broker.brokers);
    return { postgres, brokers: broker.brokers, mistral };
  }

  // One per run: every api started on this run's database opens what the others sealed.
  const secretsKey = randomBytes(32).toString('base64');

  /**
   * The built api as deployed (production mode, a bounded heap, warnings only) against a stack
   * from startStack; resolves when it answers, with its address as `proc.url`.
   */
  async function startApi(
    name,
    { stack, topics, groupId, nodeArgs = DEPLOYED_HEAP_ARGS, env: extraEnv = {} },
  ) {
    const port = await freePort();
    const proc = child(name, process.execPath, [...nodeArgs, 'dist/apps/api/main.js'], {
      NODE_ENV: 'production',
      SECRETS_KEY: secretsKey,
      // Scraped from this host, and loaded harder than any per-address rate limit allows.
      METRICS_PUBLIC: 'true',
      RATE_LIMIT_PER_MINUTE: '0',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: stack.postgres.url,
      KAFKA_BROKERS: stack.brokers,
      KAFKA_CONTENT_TOPIC: topics.content,
      KAFKA_DECISIONS_TOPIC: topics.decisions,
      KAFKA_DLQ_TOPIC: topics.dlq,
      KAFKA_GROUP_ID: groupId,
      MISTRAL_API_KEY: stack.mistral.apiKey,
      MISTRAL_BASE_URL: stack.mistral.url,
      SIEVE_DEMO_USERS: 'false',
      SIEVE_ADMIN_EMAIL: 'bench@sieve.local',
      SIEVE_ADMIN_PASSWORD: 'bench-admin-password',
      ...extraEnv,
    });
    proc.url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${proc.url}/api/health`, { isAlive: () => proc.exitCode === null });
    return proc;
  }

  /** Stops a child on purpose (not reported as a death) and resolves when it has exited. */
  function stop(proc) {
    return new Promise((done) => {
      proc.stopped = true;
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      proc.once('exit', done);
      proc.kill('SIGTERM');
    });
  }

  return {
    cleanups,
    cleanup,
    child,
    buildApi,
    startFakeMistral,
    migrate,
    produce,
    startStack,
    startApi,
    stop,
  };
}
