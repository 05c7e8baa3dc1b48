#!/usr/bin/env node
// `npm run chaos`: scripted failures against the real embedded stack — the built api as its own
// process(es), embedded Postgres, the kcat mock Kafka broker, the fake Mistral. Each scenario
// prints what it injected and what it found; the last line is `N passed, N failed`.
// CHAOS_ONLY=1,4 runs some of them. Results and their meaning: docs/reliability.md.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pg from 'pg';
import { freePort, waitForHttp } from '../lib/free-port.mjs';
import { createRunner } from '../lib/harness.mjs';
import { startMockKafka } from '../lib/kafka.mjs';
import { startEmbeddedPostgres } from '../lib/postgres.mjs';
import { ensureCommand } from '../lib/system-deps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = process.env;
const runId = Date.now().toString(36);
const only = env.CHAOS_ONLY ? env.CHAOS_ONLY.split(',').map(Number) : null;
const log = (message) => console.log(`[chaos] ${message}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Every api of the run opens what the others sealed in its database.
const SECRETS_KEY = randomBytes(32).toString('base64');
const ADMIN = { email: 'chaos@sieve.local', password: 'chaos-admin-password' };

const { cleanups, cleanup, child, buildApi, startFakeMistral, migrate, produce } = createRunner(
  root,
  env,
);

// ---------------------------------------------------------------------------------------------
// The stack: one Postgres server (a database per scenario), one broker, one fake Mistral.
ensureCommand('kcat', 'kcat');
log('building the api…');
buildApi();
const dataDir = mkdtempSync(join(tmpdir(), 'sieve-chaos-pg-'));
const pgPort = await freePort();
// CHAOS_PG_SLOW_LOG=file: Postgres logs every statement slower than 50 ms there.
const pgOptions = { dataDir, database: 'chaos', port: pgPort };
if (env.CHAOS_PG_SLOW_LOG)
  Object.assign(pgOptions, {
    postgresFlags: ['-c', 'log_min_duration_statement=50'],
    log: (line) => appendFileSync(env.CHAOS_PG_SLOW_LOG, `${line}\n`),
  });
let postgres = await startEmbeddedPostgres(pgOptions);
cleanups.push(async () => {
  await postgres.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});
const broker = await startMockKafka();
cleanups.push(() => broker.stop());
const mistral = await startFakeMistral({ latencyMs: 20, apiKey: 'chaos-key' });
const kafka = new Kafka({
  clientId: 'sieve-chaos',
  brokers: [broker.brokers],
  logLevel: logLevel.NOTHING,
});
log(`Postgres ${pgPort}, broker ${broker.brokers}, fake Mistral ${mistral.url} (+20 ms)`);

async function fakeMistral(path, body) {
  const response = await fetch(`${mistral.url}/__fake/${path}`, {
    method: body ? 'PUT' : 'GET',
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.json();
}

/**
 * A scenario's own database, topics and consumer group; apis started against them; and what
 * reached the decisions and dead-letter topics, counted per event id.
 */
const openStacks = [];

async function scenarioStack(name) {
  const database = `chaos_${name}_${runId}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const databaseUrl = postgres.urlFor(database);
  migrate(databaseUrl, broker.brokers);
  const topics = {
    content: `chaos.${name}.content.${runId}`,
    decisions: `chaos.${name}.decisions.${runId}`,
    dlq: `chaos.${name}.dlq.${runId}`,
  };
  const db = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  db.on('error', () => undefined); // scenario 3 stops the server under it
  cleanups.push(() => db.end());

  const decisions = new Map();
  let deadLetters = 0;
  const collector = kafka.consumer({ groupId: `chaos-collector-${name}-${runId}`, maxBytes: 20e6 });
  await collector.connect();
  await collector.subscribe({ topics: [topics.decisions, topics.dlq], fromBeginning: true });
  await collector.run({
    eachBatch: async ({ batch }) => {
      if (batch.topic === topics.dlq) {
        deadLetters += batch.messages.length;
        return;
      }
      for (const m of batch.messages) {
        const id = m.key.toString();
        decisions.set(id, (decisions.get(id) ?? 0) + 1);
      }
    },
  });
  cleanups.push(() => collector.disconnect());

  const apis = [];
  async function startApi(extraEnv = {}) {
    const port = await freePort();
    const proc = child(
      `api-${name}`,
      process.execPath,
      ['--max-old-space-size=192', '--max-semi-space-size=16', 'dist/apps/api/main.js'],
      {
        NODE_ENV: 'production',
        SECRETS_KEY,
        // Scraped from this host, and loaded harder than any per-address rate limit allows.
        METRICS_PUBLIC: 'true',
        RATE_LIMIT_PER_MINUTE: '0',
        PORT: String(port),
        LOG_LEVEL: env.CHAOS_API_LOG_LEVEL ?? 'warn',
        DATABASE_URL: databaseUrl,
        DATABASE_MIGRATIONS_RUN: 'false',
        KAFKA_BROKERS: broker.brokers,
        KAFKA_CONTENT_TOPIC: topics.content,
        KAFKA_DECISIONS_TOPIC: topics.decisions,
        KAFKA_DLQ_TOPIC: topics.dlq,
        KAFKA_GROUP_ID: `chaos-${name}-${runId}`,
        // A killed member's partitions move after this long.
        KAFKA_SESSION_TIMEOUT_MS: '10000',
        MISTRAL_API_KEY: mistral.apiKey,
        MISTRAL_BASE_URL: mistral.url,
        MISTRAL_TIMEOUT_MS: '2000',
        SIEVE_ADMIN_EMAIL: ADMIN.email,
        SIEVE_ADMIN_PASSWORD: ADMIN.password,
        ...extraEnv,
      },
    );
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/api/health/ready`, { isAlive: () => proc.exitCode === null });
    const api = {
      proc,
      url,
      port,
      async metric(series) {
        const text = await (await fetch(`${url}/metrics`)).text();
        return text
          .split('\n')
          .filter((l) => l.startsWith(series))
          .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
      },
      async stop(signal = 'SIGTERM') {
        proc.stopped = true;
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill(signal);
        await exited;
      },
    };
    apis.push(api);
    return api;
  }

  async function stored() {
    const { rows } = await db.query(
      `SELECT count(*)::int AS rows, count(DISTINCT (source, event_id))::int AS events FROM scored_events`,
    );
    return rows[0];
  }

  /** Every stored event id has a decision; how many were published more than once. */
  async function decisionCheck() {
    const { rows } = await db.query('SELECT event_id FROM scored_events');
    const missing = rows.filter((r) => !decisions.has(r.event_id)).length;
    const repeated = [...decisions.values()].filter((n) => n > 1).length;
    return { missing, repeated };
  }

  async function waitForStored(count, timeoutMs, check = () => undefined) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      check();
      const now = await stored().catch(() => ({ rows: -1, events: -1 }));
      if (now.events >= count) return now;
      if (Date.now() > deadline)
        throw new Error(`only ${now.events} of ${count} stored after ${timeoutMs / 1000} s`);
      await sleep(250);
    }
  }

  /** Waits until every stored event's decision has arrived (published at least once). */
  async function waitForDecisions(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await decisionCheck();
      if (result.missing === 0 || Date.now() > deadline) return result;
      await sleep(250);
    }
  }

  async function stopAll() {
    for (const api of apis) await api.stop();
  }

  const stack = {
    topics,
    db,
    databaseUrl,
    apis,
    startApi,
    stored,
    waitForStored,
    waitForDecisions,
    stopAll,
    decisions,
    get deadLetters() {
      return deadLetters;
    },
  };
  openStacks.push(stack);
  return stack;
}

/**
 * Produces `count` generated posts at `rate` per second (0: as fast as the consumer keeps up —
 * never more than 10,000 ahead of what is stored, or the mock broker's ~5 MB per partition would
 * drop unread events).
 */
function producePosts(stack, { count, rate, tag }) {
  let storedCount = 0;
  return produce(
    {
      brokers: broker.brokers,
      topic: stack.topics.content,
      count,
      rate,
      window: rate ? undefined : 10_000,
      runId: `${runId}${tag}`,
    },
    rate
      ? undefined
      : async () => {
          storedCount = (await stack.stored().catch(() => null))?.events ?? storedCount;
          return storedCount;
        },
  );
}

/**
 * `clients` concurrent clients on the queue endpoints for `seconds`, each like a reviewer's
 * dashboard: the first page, the next page from its cursor, a filtered view by severity, the
 * counts, the queue tabs and, with `decide`, a claim and its decision — waiting ~thinkMs
 * (0.5–1.5×) between requests.
 */
async function queueLoad({ port, token, clients, seconds, thinkMs, decide = false }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients + 16 });
  const call = (method, path, payload) =>
    new Promise((resolveCall) => {
      const started = performance.now();
      const headers = { authorization: `Bearer ${token}` };
      if (payload) headers['content-type'] = 'application/json';
      const req = http.request({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () =>
          resolveCall({ status: res.statusCode, ms: performance.now() - started, body }),
        );
      });
      req.on('error', (error) =>
        resolveCall({ status: 0, ms: performance.now() - started, body: error.message }),
      );
      req.end(payload && JSON.stringify(payload));
    });
  const get = (path) => call('GET', path);
  /** "Start reviewing" then a decision: every decision empties the api's cached counts. */
  const claimAndDecide = async () => {
    const next = await call('POST', '/api/flags/next?queue=default');
    if (next.status !== 200) return { ...next, body: `claim: ${next.body}` };
    const { flagId } = JSON.parse(next.body);
    const decided = await call('POST', `/api/flags/${flagId}/decision`, {
      action: 'approve',
      reason: 'Not harmful',
    });
    return {
      ...decided,
      status: decided.status === 201 ? 200 : decided.status,
      ms: next.ms + decided.ms,
    };
  };
  const paths = {
    'first page': () => '/api/flags?status=open',
    'next page': (cursor) => `/api/flags?status=open&cursor=${encodeURIComponent(cursor)}`,
    'filtered, by severity': () => '/api/flags?status=open&category=pii&sort=severity',
    counts: () => '/api/flags/counts',
    // The dashboard's queue tabs: every reviewer's page asks every 15 s.
    'queue tabs': () => '/api/queues',
    'claim and decide': () => 'POST /api/flags/next, then its decision',
  };
  const cycle = [
    'first page',
    'first page',
    'next page',
    'filtered, by severity',
    'counts',
    'first page',
    'next page',
    'queue tabs',
    ...(decide ? ['claim and decide'] : []),
  ];
  const latencies = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
  const failures = [];
  const deadline = Date.now() + seconds * 1000;
  async function client(c) {
    let cursor = null;
    if (thinkMs) await sleep(Math.random() * thinkMs); // not all at once
    for (let i = c; Date.now() < deadline; i++) {
      const kind =
        cycle[i % cycle.length] === 'next page' && !cursor ? 'first page' : cycle[i % cycle.length];
      const path = paths[kind](cursor);
      const result = kind === 'claim and decide' ? await claimAndDecide() : await get(path);
      if (result.status === 200) {
        latencies[kind].push(result.ms);
        if (kind === 'first page') cursor = JSON.parse(result.body).nextCursor ?? null;
      } else {
        failures.push(`${result.status} ${path}: ${result.body.slice(0, 200)}`);
      }
      if (thinkMs) await sleep(thinkMs * (0.5 + Math.random()));
    }
  }
  const started = Date.now();
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  const pct = (list, p) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
  };
  const total = Object.values(latencies).reduce((sum, l) => sum + l.length, 0) + failures.length;
  const figures = { requests_per_s: Math.round(total / elapsed), errors: failures.length };
  const asked = Object.entries(latencies).filter(([, l]) => l.length > 0);
  const lines = asked.map(([kind, l]) => {
    figures[kind] = { p50: pct(l, 0.5), p95: pct(l, 0.95), p99: pct(l, 0.99) };
    return `${kind} p50 ${pct(l, 0.5).toFixed(1)} / p95 ${pct(l, 0.95).toFixed(1)} / p99 ${pct(l, 0.99).toFixed(1)} ms`;
  });
  return {
    seconds,
    errors: failures.length,
    firstPageP95: pct(latencies['first page'], 0.95),
    figures,
    summary: `${total} requests (${figures.requests_per_s}/s), ${failures.length} errors${failures.length ? ` (${failures.slice(0, 3).join(' | ')})` : ''}; ${lines.join('; ')}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios. Each returns { injected, found, passed } and throws only when the harness fails.

const scenarios = [
  {
    n: 1,
    title: 'SIGKILL the consumer mid-batch, restart it',
    async run() {
      const stack = await scenarioStack('kill');
      const count = 30_000;
      const api = await stack.startApi();
      const producing = producePosts(stack, { count, rate: 3000, tag: 'kill' });
      await stack.waitForStored(3000, 30_000);
      const before = (await stack.stored()).events;
      await api.stop('SIGKILL');
      await sleep(1000);
      const restarted = await stack.startApi();
      await producing.done;
      const after = await stack.waitForStored(count, 120_000);
      const { missing, repeated } = await stack.waitForDecisions();
      const replayed = await restarted.metric('sieve_events_already_stored_total');
      await stack.stopAll();
      return {
        injected: `SIGKILL with ${before} of ${count} events stored (producing at 3,000/s), restart after 1 s`,
        found: `${after.rows} rows for ${after.events} events (expected ${count}); ${replayed} replayed events not stored again; decisions missing for ${missing}, published twice for ${repeated} (deduplicable by event id)`,
        passed: after.rows === count && after.events === count && missing === 0,
      };
    },
  },
  {
    n: 2,
    title: 'Mistral returns 20% 429 (Retry-After 1 s), 10% 5xx and 5% timeouts for a minute',
    async run() {
      const stack = await scenarioStack('mistral');
      const count = 30_000;
      const api = await stack.startApi();
      const before = await fakeMistral('stats');
      const faults = {
        rateLimited: 0.2,
        retryAfterSeconds: 1,
        serverError: 0.1,
        timeout: 0.05,
        seed: 7,
      };
      await fakeMistral('faults', faults);
      const started = Date.now();
      const producing = producePosts(stack, { count, rate: 500, tag: 'mistral' });
      await producing.done;
      await sleep(Math.max(0, 60_000 - (Date.now() - started)));
      await fakeMistral('faults', {});
      const after = await stack.waitForStored(count, 120_000);
      const { missing } = await stack.waitForDecisions();
      const stats = await fakeMistral('stats');
      const delta = (a, b, key) => (a[key] ?? 0) - (b[key] ?? 0);
      const calls = delta(stats.received, before.received, '/v1/moderations');
      const successes = delta(stats.served, before.served, '/v1/moderations');
      const injected = Object.keys(stats.injected).reduce(
        (sum, k) => sum + delta(stats.injected, before.injected, k),
        0,
      );
      // The fake fails 35% of calls whatever the client does: each success costs 1/0.65 calls on
      // average. A retry storm shows up as calls well beyond that.
      const minimum = successes / (1 - 0.35);
      const amplification = calls / minimum;
      const batchFailures = await api.metric('sieve_ingest_batch_failures_total');
      await stack.stopAll();
      return {
        injected: `faults on ${JSON.stringify(faults)} for 60 s while ${count} events arrived at 500/s; client timeout 2 s`,
        found: `${after.events} of ${count} events stored, ${after.rows} rows; decisions missing for ${missing}; ${calls} moderation calls (${injected} faulted, ${successes} answered) = ${amplification.toFixed(2)}× the ${Math.round(minimum)} the fault rate forces; ${batchFailures} batches paused and retried`,
        passed:
          after.rows === count && after.events === count && missing === 0 && amplification <= 1.5,
      };
    },
  },
  {
    n: 3,
    title: 'Postgres stopped for 20 s and restarted',
    async run() {
      const stack = await scenarioStack('postgres');
      const count = 20_000;
      const api = await stack.startApi();
      const producing = producePosts(stack, { count, rate: 500, tag: 'pg' });
      await stack.waitForStored(2000, 30_000);
      await postgres.stop();
      const stoppedAt = Date.now();
      let paused = 0;
      let notReady = false;
      while (Date.now() - stoppedAt < 20_000) {
        paused = Math.max(paused, await api.metric('sieve_ingest_paused_partitions'));
        const ready = await fetch(`${api.url}/api/health/ready`).catch(() => null);
        if (ready?.status === 503) notReady = true;
        await sleep(500);
      }
      postgres = await startEmbeddedPostgres(pgOptions);
      await producing.done;
      const after = await stack.waitForStored(count, 180_000);
      const { missing } = await stack.waitForDecisions();
      const readyAgain = (await fetch(`${api.url}/api/health/ready`)).status === 200;
      await stack.stopAll();
      return {
        injected: `Postgres stopped for 20 s while ${count} events arrived at 500/s`,
        found: `during the outage: up to ${paused} partitions paused, readiness ${notReady ? '503' : 'still 200'}; after: ready ${readyAgain}, ${after.events} of ${count} events stored, ${after.rows} rows, decisions missing for ${missing}`,
        passed:
          after.rows === count &&
          after.events === count &&
          missing === 0 &&
          paused > 0 &&
          readyAgain,
      };
    },
  },
  {
    n: 4,
    title: '1% poison messages (invalid JSON, missing fields, 1 MB texts, invalid UTF-8)',
    async run() {
      const clean = await scenarioStack('clean');
      const poisoned = await scenarioStack('poison');
      const count = 40_000;
      // Side by side: the same stream without and with poison, each as fast as it is consumed.
      await clean.startApi();
      let t = Date.now();
      await producePosts(clean, { count, rate: 0, tag: 'clean' }).done;
      await clean.waitForStored(count, 180_000);
      const cleanEps = count / ((Date.now() - t) / 1000);
      await clean.stopAll();

      const api = await poisoned.startApi();
      const kinds = ['invalid_json', 'invalid_event', 'text_too_large', 'invalid_encoding'];
      // One in 40 is a 1 MB post: the mock broker keeps ~5 MB per partition, more would push
      // unread events out of it (a real broker keeps days).
      const kindOf = (i) => (i % 40 === 0 ? 'text_too_large' : kinds[[0, 1, 3][i % 3]]);
      const poison = (i) => {
        const kind = kindOf(i);
        const key = `poison-${i}`;
        if (kind === 'invalid_json') return { key, value: '{"id": "p' + i + '", "text": ' };
        if (kind === 'invalid_event')
          return { key, value: JSON.stringify({ id: `p${i}`, text: 'no source or author' }) };
        if (kind === 'text_too_large')
          return {
            key,
            value: JSON.stringify({
              id: `p${i}`,
              source: 'chaos',
              authorId: 'a',
              text: 'x'.repeat(1_000_000),
              createdAt: new Date().toISOString(),
            }),
          };
        return {
          key,
          value: Buffer.concat([
            Buffer.from('{"id":"p' + i + '","source":"chaos","authorId":"a","text":"'),
            Buffer.from([0xc3, 0x28, 0xff]),
            Buffer.from('"}'),
          ]),
        };
      };
      const poisonCount = count / 100;
      const producer = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: true,
      });
      await producer.connect();
      t = Date.now();
      const producing = producePosts(poisoned, { count, rate: 0, tag: 'poison' });
      // Spread over the first half or so of the run, one per request so a 1 MB post never
      // shares a batch. Not awaited before timing: the injection loop must not be what is timed.
      const injecting = (async () => {
        for (let i = 0; i < poisonCount; i++) {
          await producer.send({ topic: poisoned.topics.content, messages: [poison(i)] });
          await sleep(5);
        }
      })();
      await producing.done;
      await poisoned.waitForStored(count, 180_000);
      const poisonEps = count / ((Date.now() - t) / 1000);
      await injecting;
      await producer.disconnect();
      const deadline = Date.now() + 30_000;
      while (poisoned.deadLetters < poisonCount && Date.now() < deadline) await sleep(250);
      await sleep(2000); // any extra dead letter would arrive now
      const byReason = {};
      const metrics = await (await fetch(`${api.url}/metrics`)).text();
      for (const [, reason, n] of metrics.matchAll(
        /^sieve_dead_letters_total\{reason="(\w+)"\} (\d+)$/gm,
      ))
        byReason[reason] = Number(n);
      const stored = await poisoned.stored();
      const replayed = await api.metric('sieve_events_already_stored_total');
      const consumed = await api.metric('sieve_events_consumed_total');
      await poisoned.stopAll();
      const ratio = poisonEps / cleanEps;
      return {
        injected: `${poisonCount} poison messages (${kinds.join(', ')}; ${poisonCount / 40} of them 1 MB posts) among ${count} good events`,
        found: `${poisoned.deadLetters} on the dead-letter topic (${JSON.stringify(byReason)}); ${stored.events} good events stored (${consumed} consumed, ${replayed} of them replays); ${Math.round(poisonEps)} events/s with poison vs ${Math.round(cleanEps)} without (${ratio.toFixed(2)}×)`,
        passed:
          poisoned.deadLetters === poisonCount &&
          stored.events === count &&
          stored.rows === count &&
          ratio >= 0.8,
      };
    },
  },
  {
    n: 5,
    title: 'A rebalance during load: a second consumer joins, then leaves',
    async run() {
      const stack = await scenarioStack('rebalance');
      const count = 40_000;
      const first = await stack.startApi();
      const producing = producePosts(stack, { count, rate: 2000, tag: 'rebalance' });
      await stack.waitForStored(5000, 30_000);
      const second = await stack.startApi();
      const joinedAt = (await stack.stored()).events;
      // A join waits out the group's rebalance (on the mock broker, the session timeout less
      // 1 s): the second api may find little of the load left to share.
      await stack.waitForStored(Math.min(joinedAt + 10_000, count), 60_000);
      const secondStored = (await second.metric('sieve_events_scored_total')) > 0;
      await second.stop('SIGTERM');
      const leftAt = (await stack.stored()).events;
      await producing.done;
      const after = await stack.waitForStored(count, 120_000);
      const { missing, repeated } = await stack.waitForDecisions();
      const replayed = await first.metric('sieve_events_already_stored_total');
      await stack.stopAll();
      return {
        injected: `a second api joined at ${joinedAt} and left (SIGTERM) at ${leftAt} of ${count} events (2,000/s)`,
        found: `second api scored events: ${secondStored}; ${after.rows} rows for ${after.events} events; ${replayed} replays not stored again; decisions missing for ${missing}, twice for ${repeated}`,
        passed: after.rows === count && after.events === count && missing === 0 && secondStored,
      };
    },
  },
  {
    n: 6,
    title: '200 concurrent API clients for 60 s on the queue with 1M flags stored',
    async run() {
      const stack = await scenarioStack('queue');
      const flags = Number(env.CHAOS_FLAGS ?? 1_000_000);
      log(`  seeding ${flags} flagged events…`);
      const seeded = Date.now();
      await stack.db.query(
        `WITH e AS (
           INSERT INTO scored_events (source, event_id, author_id, text, lang, event_created_at, scored_at, model_id, score_layout, score_values, policy_version, decision, kept)
           SELECT (ARRAY['forum','comments','chat'])[1 + i % 3], 'seed-' || i, 'user-' || (i % 20000),
                  'seeded post number ' || i, 'en', now() - i * interval '1 second', now() - i * interval '1 second',
                  m.id, c.layout, c.vals, 1, 'review', true
           FROM generate_series(1, $1::int) AS i CROSS JOIN compact_scores('{}') AS c
           CROSS JOIN score_model_id('mistral-moderation-2603') AS m(id)
           RETURNING id, scored_at)
         -- A queue after weeks of traffic: 60% open, 25% decided, 15% escalated; scores skewed low.
         INSERT INTO flags (scored_event_id, status, auto_decision, categories, triggered, max_score, created_at, updated_at)
         SELECT id, CASE WHEN r < 0.6 THEN 'open' WHEN r < 0.85 THEN 'decided' ELSE 'escalated' END,
                CASE WHEN score > 0.9 THEN 'block' ELSE 'review' END,
                (ARRAY['violence_and_threats', 'hate_and_discrimination', 'pii', 'sexual', 'selfharm'])[1 + floor(c * 5)::int : 1 + floor(c * 5)::int],
                '[]', score, scored_at, scored_at
         FROM (SELECT id, scored_at, random() AS r, random() AS c, 0.5 + 0.5 * random() ^ 2 AS score FROM e) AS x`,
        [flags],
      );
      // Weeks of traffic were grouped into waves as they came; CHAOS_KEEP_INBOX=1 leaves all of
      // the seeded flags to group during the load instead (a backlog, as after enabling waves).
      if (!env.CHAOS_KEEP_INBOX) await stack.db.query('TRUNCATE wave_inbox');
      await stack.db.query('VACUUM ANALYZE scored_events');
      await stack.db.query('VACUUM ANALYZE flags');
      log(`  seeded in ${Math.round((Date.now() - seeded) / 1000)} s`);
      const api = await stack.startApi({ INGEST_ENABLED: 'false' });

      const login = await fetch(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      });
      const session = await login.json();
      const created = await fetch(`${api.url}/api/tokens`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: String(login.headers.get('set-cookie')).split(';')[0],
          'x-csrf-token': session.csrfToken,
        },
        body: JSON.stringify({ name: 'chaos load', role: 'reviewer' }),
      });
      const { token } = await created.json();
      if (!token) throw new Error(`could not create an API token (${created.status})`);

      const reviewers = await queueLoad({
        port: api.port,
        token,
        clients: 200,
        seconds: Number(env.CHAOS_LOAD_SECONDS ?? 60),
        thinkMs: 1000,
        decide: true,
      });
      const saturated = await queueLoad({
        port: api.port,
        token,
        clients: 200,
        seconds: 20,
        thinkMs: 0,
      });
      await stack.stopAll();
      return {
        injected: `${flags} flags stored; 200 clients for ${reviewers.seconds} s working like reviewers' dashboards (a request, then ~1 s to read it: 0.5–1.5 s; one request in nine a claim and its decision), then 200 clients for 20 s reading with no pause at all`,
        found: `like reviewers: ${reviewers.summary}. No pause (capacity): ${saturated.summary}`,
        passed: reviewers.errors === 0 && saturated.errors === 0 && reviewers.firstPageP95 < 50,
        figures: { reviewers: reviewers.figures, saturated: saturated.figures },
      };
    },
  },
  {
    n: 7,
    title:
      'the broker is down while reviewers decide, then the api is killed before it could publish',
    async run() {
      const stack = await scenarioStack('outbox');
      const flagCount = 40;
      await stack.db.query(
        `WITH e AS (
           INSERT INTO scored_events (source, event_id, author_id, text, event_created_at, model_id, score_layout, score_values, policy_version, decision, kept)
           SELECT 'chaos', 'outbox-' || lpad(i::text, 3, '0'), 'author', 'I will hurt you ' || i, now(), m.id,
                  c.layout, c.vals, 1, 'review', true
           FROM generate_series(1, $1::int) AS i CROSS JOIN compact_scores('{"violence_and_threats": 0.9}') AS c
           CROSS JOIN score_model_id('m') AS m(id)
           RETURNING id)
         INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score)
         SELECT id, 'review', ARRAY['violence_and_threats'], '[]', 0.9 FROM e`,
        [flagCount],
      );
      const { rows: flags } = await stack.db.query(
        `SELECT f.id, e.event_id FROM flags f JOIN scored_events e ON e.id = f.scored_event_id ORDER BY e.event_id`,
      );

      // A broker of its own, so that stopping it disturbs no other scenario.
      const downBroker = await startMockKafka();
      const api = await stack.startApi({
        INGEST_ENABLED: 'false',
        KAFKA_BROKERS: downBroker.brokers,
      });
      await downBroker.stop();

      const login = await fetch(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      });
      const session = await login.json();
      const headers = {
        'content-type': 'application/json',
        cookie: String(login.headers.get('set-cookie')).split(';')[0],
        'x-csrf-token': session.csrfToken,
      };
      const statuses = [];
      const call = async (path, body) => {
        const response = await fetch(`${api.url}${path}`, {
          method: 'POST',
          headers,
          body: body && JSON.stringify(body),
        });
        statuses.push(response.status);
        return response.json();
      };
      const remove = { action: 'remove', reason: 'Threat of violence' };
      const approve = { action: 'approve', reason: 'Not harmful' };
      const started = Date.now();
      for (const flag of flags.slice(0, 20)) await call(`/api/flags/${flag.id}/decision`, remove);
      for (const flag of flags.slice(0, 10)) {
        await call(`/api/flags/${flag.id}/decision/undo`);
        await call(`/api/flags/${flag.id}/decision`, approve);
      }
      for (const part of [flags.slice(20, 30), flags.slice(30, 40)]) {
        const results = await call('/api/flags/bulk-decision', {
          ids: part.map((f) => f.id),
          ...approve,
        });
        for (const r of results) statuses.push(r.outcome === 'decided' ? 201 : 409);
      }
      const answeredSeconds = (Date.now() - started) / 1000;
      const unsentBeforeKill = (
        await stack.db.query(`SELECT count(*)::int AS n FROM decision_outbox
           WHERE sent_at IS NULL AND value::jsonb->>'kind' <> 'account'`)
      ).rows[0].n;
      await api.stop('SIGKILL');

      // What the platform must receive: every decision, and every withdrawal, in this order per flag.
      const { rows: expectedRows } = await stack.db.query(
        `SELECT e.event_id, d.id AS decision_id, false AS undone, d.created_at AS at
         FROM flag_decisions d JOIN flags f ON f.id = d.flag_id JOIN scored_events e ON e.id = f.scored_event_id
         UNION ALL
         SELECT e.event_id, d.id, true, d.undone_at
         FROM flag_decisions d JOIN flags f ON f.id = d.flag_id JOIN scored_events e ON e.id = f.scored_event_id
         WHERE d.undone_at IS NOT NULL
         ORDER BY 1, 4`,
      );
      const expected = new Map();
      for (const r of expectedRows)
        expected.set(r.event_id, [
          ...(expected.get(r.event_id) ?? []),
          `${r.decision_id}:${r.undone}`,
        ]);

      const upBroker = await startMockKafka();
      cleanups.push(() => upBroker.stop());
      await stack.startApi({ INGEST_ENABLED: 'false', KAFKA_BROKERS: upBroker.brokers });
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const { rows } = await stack.db.query(
          `SELECT count(*)::int AS n FROM decision_outbox WHERE sent_at IS NULL`,
        );
        if (rows[0].n === 0) break;
        await sleep(250);
      }
      // Read the whole topic once the relay is done (a late duplicate would be on it by then).
      await sleep(2000);
      const received = new Map(); // partition:offset → message, so a re-read is not a duplicate
      const reader = new Kafka({
        clientId: 'sieve-chaos-outbox',
        brokers: [upBroker.brokers],
        logLevel: logLevel.NOTHING,
      }).consumer({ groupId: `chaos-outbox-reader-${runId}` });
      await reader.connect();
      await reader.subscribe({ topic: stack.topics.decisions, fromBeginning: true });
      await reader.run({
        eachMessage: async ({ partition, message }) => {
          received.set(`${partition}:${message.offset}`, JSON.parse(message.value.toString()));
        },
      });
      const readDeadline = Date.now() + 30_000;
      const decisionsReceived = () =>
        [...received.values()].filter((m) => m.kind !== 'account').length;
      while (decisionsReceived() < expectedRows.length && Date.now() < readDeadline)
        await sleep(250);
      await sleep(1000);
      await reader.disconnect();
      await stack.stopAll();

      // Account recommendations (strikes, built by the statements worker from these removals)
      // share the topic; they are checked for duplicates, not against the decisions.
      const accounts = [...received.values()].filter((m) => m.kind === 'account');
      const accountDuplicates =
        accounts.length - new Set(accounts.map((m) => `${m.authorId}:${m.recommendedAt}`)).size;
      const got = new Map();
      for (const m of [...received.entries()]
        .filter(([, m]) => m.kind !== 'account')
        .sort(([a], [b]) => {
          const [pa, oa] = a.split(':').map(Number);
          const [pb, ob] = b.split(':').map(Number);
          return pa - pb || oa - ob;
        })
        .map(([, m]) => m)) {
        got.set(m.eventId, [...(got.get(m.eventId) ?? []), `${m.decisionId}:${m.undone}`]);
      }
      const all = [...got.values()].flat();
      const duplicates = all.length - new Set(all).size;
      const missing = expectedRows.filter(
        (r) => !(got.get(r.event_id) ?? []).includes(`${r.decision_id}:${r.undone}`),
      ).length;
      const outOfOrder = [...expected].filter(
        ([eventId, list]) => JSON.stringify(got.get(eventId) ?? []) !== JSON.stringify(list),
      ).length;
      const refused = statuses.filter((s) => s >= 300).length;
      const firstOutOfOrder = [...expected].find(
        ([eventId, list]) => JSON.stringify(got.get(eventId) ?? []) !== JSON.stringify(list),
      );
      if (firstOutOfOrder)
        log(
          `  ${firstOutOfOrder[0]}: expected ${JSON.stringify(firstOutOfOrder[1])}, got ${JSON.stringify(
            got.get(firstOutOfOrder[0]) ?? [],
          )}`,
        );
      return {
        injected: `${flagCount} flags; the api's broker stopped; 20 decisions, 10 undone and decided again, 20 in two bulk requests; then the api SIGKILLed with its messages committed and unsent; a new broker and a new api`,
        found: `${statuses.length - refused} of ${statuses.length} answered with success in ${answeredSeconds.toFixed(1)} s while the broker was down; ${unsentBeforeKill} messages waiting in the outbox at the kill; after the restart ${received.size - accounts.length} decision messages on the topic for ${expectedRows.length} expected: ${missing} missing, ${duplicates} duplicated, ${outOfOrder} flags out of order; ${accounts.length} account recommendation(s), ${accountDuplicates} duplicated`,
        passed:
          refused === 0 &&
          unsentBeforeKill === expectedRows.length &&
          missing === 0 &&
          duplicates === 0 &&
          outOfOrder === 0 &&
          accountDuplicates === 0,
        figures: { answeredSeconds, expected: expectedRows.length, received: received.size },
      };
    },
  },
  {
    n: 8,
    title:
      'a webhook receiver is down for 10 minutes while posts are decided, and the api restarts',
    async run() {
      const downSeconds = Number(env.CHAOS_WEBHOOK_DOWN_SECONDS ?? 600);
      const stack = await scenarioStack('webhooks');
      const port = await freePort();
      const received = new Map();
      let badSignatures = 0;
      let secret = '';
      const receiver = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          // Verified as docs/webhooks.md says, with node:crypto only.
          const timestamp = req.headers['sieve-webhook-timestamp'];
          const expected =
            'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
          if (req.headers['sieve-webhook-signature'] !== expected) badSignatures++;
          const id = req.headers['sieve-webhook-id'];
          received.set(id, {
            eventId: JSON.parse(body).eventId,
            times: (received.get(id)?.times ?? 0) + 1,
          });
          res.writeHead(204).end();
        });
      });
      cleanups.push(() => new Promise((r) => receiver.close(r)));

      let api = await stack.startApi();
      const login = await fetch(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      });
      const session = await login.json();
      const created = await fetch(`${api.url}/api/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: String(login.headers.get('set-cookie')).split(';')[0],
          'x-csrf-token': session.csrfToken,
        },
        body: JSON.stringify({
          name: 'chaos receiver',
          url: `http://127.0.0.1:${port}/hook`,
          kinds: ['automatic'],
        }),
      });
      const endpoint = await created.json();
      if (!endpoint.secret) throw new Error(`could not create the endpoint (${created.status})`);
      secret = endpoint.secret;

      // The receiver is not listening: connections are refused.
      const downSince = Date.now();
      const count = 2000;
      await producePosts(stack, { count: count / 2, rate: 200, tag: 'wh1' });
      await stack.waitForStored(count / 2, 60_000);
      // Half-way through the outage the api is restarted: the queue is in Postgres.
      await api.stop();
      api = await stack.startApi();
      await producePosts(stack, { count: count / 2, rate: 200, tag: 'wh2' });
      await stack.waitForStored(count, 60_000);
      const { rows: queued } = await stack.db.query(
        `SELECT count(*)::int AS n, max(e.consecutive_failures) AS failures, bool_and(e.enabled) AS enabled
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id`,
      );
      const waitMore = downSeconds * 1000 - (Date.now() - downSince);
      log(
        `  ${queued[0].n} deliveries queued; receiver down for another ${Math.round(waitMore / 1000)} s`,
      );
      if (waitMore > 0) await sleep(waitMore);
      const { rows: beforeUp } = await stack.db.query(
        `SELECT consecutive_failures AS failures, enabled FROM webhook_endpoints`,
      );
      await new Promise((r) => receiver.listen(port, '127.0.0.1', r));
      const upAt = Date.now();
      const { rows: events } = await stack.db.query('SELECT event_id FROM scored_events');
      const deadline = Date.now() + 15 * 60_000;
      let missing = events.length;
      while (Date.now() < deadline) {
        const got = new Set([...received.values()].map((m) => m.eventId));
        missing = events.filter((e) => !got.has(e.event_id)).length;
        if (missing === 0) break;
        await sleep(1000);
      }
      const drainedSeconds = (Date.now() - upAt) / 1000;
      const repeated = [...received.values()].filter((m) => m.times > 1).length;
      await stack.stopAll();
      return {
        injected: `a webhook endpoint for automatic decisions whose receiver refused connections for ${downSeconds} s; ${count} posts decided meanwhile; the api restarted half-way`,
        found: `${queued[0].n} deliveries queued; ${beforeUp[0].failures} failed attempts in a row when it came back (endpoint ${beforeUp[0].enabled ? 'still enabled' : 'DISABLED'}); every decision delivered ${drainedSeconds.toFixed(0)} s after the receiver returned: ${missing} of ${events.length} missing, ${repeated} delivered more than once, ${badSignatures} bad signatures`,
        passed: missing === 0 && badSignatures === 0 && beforeUp[0].enabled === true,
        figures: { downSeconds, queued: queued[0].n, drainedSeconds, missing, repeated },
      };
    },
  },
];

// ---------------------------------------------------------------------------------------------
const outcomes = [];
for (const scenario of scenarios) {
  if (only && !only.includes(scenario.n)) continue;
  log(`${scenario.n}. ${scenario.title}`);
  const started = Date.now();
  let outcome;
  try {
    outcome = await scenario.run();
  } catch (error) {
    outcome = { injected: '(harness error)', found: error.stack ?? String(error), passed: false };
  }
  // A scenario that failed half-way leaves its apis running: show what they said, stop them.
  for (const stack of openStacks.splice(0)) {
    if (!outcome.passed) {
      for (const api of stack.apis)
        log(`  last lines of api ${api.port}:\n${api.proc.tail.slice(-12).join('\n')}`);
    }
    await stack.stopAll();
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`  injected: ${outcome.injected}`);
  log(`  found:    ${outcome.found}`);
  log(`  ${outcome.passed ? 'PASS' : 'FAIL'} (${seconds} s)`);
  outcomes.push({ n: scenario.n, title: scenario.title, seconds, ...outcome });
}
const passed = outcomes.filter((o) => o.passed).length;
console.log(JSON.stringify({ date: new Date().toISOString(), outcomes }));
console.log(`${passed} passed, ${outcomes.length - passed} failed`);
await cleanup();
process.exit(passed === outcomes.length ? 0 : 1);
