import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { FakeMistralServer } from '@sieve/mistral/testing';
import { Client } from 'pg';
import type { AutomaticDecisionMessage } from '@sieve/moderation';
import { eventually, startTestStack } from '../../test/test-stack';
import { MetricsService } from '../metrics/metrics.service';
import { IngestConsumer } from './ingest.consumer';
import { DLQ_HEADERS } from './ingest.service';

const post = (id: string, text: string) => ({
  key: id,
  value: JSON.stringify({
    id,
    source: 'forum',
    authorId: `author-${Number(id.split('-').pop()) % 7}`,
    text,
    createdAt: '2026-11-25T10:00:00Z',
  }),
});
const posts = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    post(`${prefix}-${i}`, i % 5 === 0 ? `I will kill you ${prefix} ${i}` : `hello ${prefix} ${i}`),
  );

const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

type Stack = Awaited<ReturnType<typeof startTestStack>>;
const consumerOf = (stack: Stack) => stack.app.get(IngestConsumer);
const countOf = async (stack: Stack, sql: string) => Number((await stack.db.query(sql)).rows[0].n);
const decidedIds = (stack: Stack) =>
  new Set(
    stack.collected.decisions.map(
      (m) => (JSON.parse(m.value ?? '') as AutomaticDecisionMessage).eventId,
    ),
  );
const metricTotal = async (app: INestApplication, name: string, labels = '') => {
  const text = await app.get(MetricsService).registry.metrics();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(labels) && !l.startsWith('#'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
};

describe('ingest under faults (embedded Postgres + Kafka-protocol broker + fake Mistral)', () => {
  const mistral = new FakeMistralServer({ apiKey: 'it-key', recordRequests: false });
  beforeAll(() => mistral.start());
  afterAll(() => mistral.stop());
  const withMistral = () => ({
    MISTRAL_API_KEY: 'it-key',
    MISTRAL_BASE_URL: mistral.url,
    MISTRAL_TIMEOUT_MS: '300',
    MISTRAL_MODERATION_BATCH_SIZE: '16',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
  });

  describe('one api', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startTestStack(withMistral());
    });
    afterAll(() => stack?.stop());
    afterEach(() => {
      mistral.faultRates = {};
    });

    it('scores every event while Mistral answers 20% of calls with 429, 5xx or timeouts', async () => {
      mistral.faultRates = {
        rateLimited: 0.08,
        retryAfterSeconds: 0,
        serverError: 0.07,
        timeout: 0.05,
        seed: 7,
      };
      const events = posts('fault', 400);
      await stack.produce(events);
      await eventually(
        'all 400 events stored',
        async () =>
          (await countOf(
            stack,
            `SELECT count(*) AS n FROM scored_events WHERE event_id LIKE 'fault-%'`,
          )) === 400,
        60_000,
      );
      expect(
        await countOf(
          stack,
          `SELECT count(*) AS n FROM flags f JOIN scored_events e ON e.id = f.scored_event_id WHERE e.event_id LIKE 'fault-%'`,
        ),
      ).toBe(80);
      await eventually(
        'every decision',
        async () => [...decidedIds(stack)].filter((id) => id.startsWith('fault-')).length === 400,
      );
      expect(
        await metricTotal(stack.app, 'sieve_moderation_requests_total', 'outcome="ok"'),
      ).toBeGreaterThan(0);
    });

    it('dead-letters exactly the poison messages and stores the rest', async () => {
      const good = posts('mixed', 200);
      const poison = [
        { key: 'p-json', value: '{"id": "p1", "text": ' },
        { key: 'p-fields', value: JSON.stringify({ id: 'p2', text: 'no source or author' }) },
        {
          key: 'p-big',
          value: JSON.stringify({
            id: 'p3',
            source: 's',
            authorId: 'a',
            createdAt: '2026-11-25T10:00:00Z',
            text: 'x'.repeat(40 * 1024),
          }),
        },
        { key: 'p-utf8', value: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
        {
          key: 'p-empty',
          value: JSON.stringify({
            id: 'p5',
            source: 's',
            authorId: 'a',
            createdAt: '2026-11-25T10:00:00Z',
            text: '   ',
          }),
        },
        {
          // PostgreSQL text cannot hold U+0000: stored, it would fail the batch on every retry.
          key: 'p-nul',
          value: JSON.stringify({
            id: 'p6',
            source: 's',
            authorId: 'a',
            createdAt: '2026-11-25T10:00:00Z',
            text: 'before\u0000after',
          }),
        },
        {
          // Valid ISO 8601, but an offset PostgreSQL refuses.
          key: 'p-time',
          value: JSON.stringify({
            id: 'p7',
            source: 's',
            authorId: 'a',
            createdAt: '2026-11-25T10:00:00+23:59',
            text: 'a post from nowhere',
          }),
        },
        {
          // Half of an emoji's surrogate pair, escaped: valid JSON that PostgreSQL's json refuses.
          key: 'p-surrogate',
          value: JSON.stringify({
            id: 'p8',
            source: 's',
            authorId: 'a',
            createdAt: '2026-11-25T10:00:00Z',
            text: 'cut emoji \ud83d',
            context: { threadId: 'thread \ude00' },
          }),
        },
      ];
      const dlqBefore = stack.collected.dlq.length;
      await stack.produce([...good.slice(0, 100), ...poison, ...good.slice(100)]);
      await eventually(
        '200 stored',
        async () =>
          (await countOf(
            stack,
            `SELECT count(*) AS n FROM scored_events WHERE event_id LIKE 'mixed-%'`,
          )) === 200,
      );
      await eventually('8 dead letters', async () => stack.collected.dlq.length - dlqBefore >= 8);
      const dead = stack.collected.dlq.slice(dlqBefore);
      expect(dead.map((m) => m.headers[DLQ_HEADERS.reason]).sort()).toStrictEqual([
        'empty_text',
        'invalid_encoding',
        'invalid_encoding',
        'invalid_event',
        'invalid_event',
        'invalid_event',
        'invalid_json',
        'text_too_large',
      ]);
      await new Promise((r) => setTimeout(r, 500));
      expect(stack.collected.dlq.length - dlqBefore).toBe(8);
    });

    it('pauses while Postgres refuses connections and resumes without losing an event', async () => {
      const database = new URL(stack.env['DATABASE_URL']).pathname.slice(1);
      const failuresBefore = await metricTotal(stack.app, 'sieve_ingest_batch_failures_total');
      // The stack's own client is cut off too; the server's maintenance database stays open.
      const admin = new Client({ connectionString: process.env['SIEVE_TEST_POSTGRES_URL'] });
      await admin.connect();
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`,
        [database],
      );
      await stack.produce(posts('outage', 150));
      await eventually(
        'a failed batch and a paused partition',
        async () =>
          (await metricTotal(stack.app, 'sieve_ingest_batch_failures_total')) > failuresBefore,
      );
      expect(consumerOf(stack).pausedPartitions.length).toBeGreaterThan(0);
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      await admin.end();
      await stack.reconnectDb();
      await eventually(
        'all 150 stored after recovery',
        async () =>
          (await countOf(
            stack,
            `SELECT count(*) AS n FROM scored_events WHERE event_id LIKE 'outage-%'`,
          )) === 150,
        60_000,
      );
      await eventually(
        'every decision',
        async () => [...decidedIds(stack)].filter((id) => id.startsWith('outage-')).length === 150,
      );
    });
  });

  it('with shared claims, two apis meeting the same texts at once wait for each other instead of scoring them twice', async () => {
    const claims = { SCORE_SHARED_CLAIMS: 'true', SCORE_CLAIM_WAIT_MS: '5000' };
    const stack = await startTestStack({ ...withMistral(), ...claims });
    try {
      const second = await stack.startAnotherApp(claims);
      await new Promise((r) => setTimeout(r, 3000)); // let the group settle with both members
      // 100 texts, each three times, on every partition at once.
      await stack.produce(
        Array.from({ length: 300 }, (_, i) =>
          post(`shared-${i}`, i % 5 === 0 ? `I will kill you ${i % 100}` : `hello ${i % 100}`),
        ),
      );
      await eventually(
        'all 300 stored',
        async () => (await countOf(stack, 'SELECT count(*) AS n FROM scored_events')) === 300,
        60_000,
      );
      await eventually('every decision', async () => decidedIds(stack).size === 300);
      const total = async (result: string) =>
        (
          await Promise.all(
            [stack.app, second].map((app) =>
              metricTotal(app, 'sieve_score_cache_lookups_total', `result="${result}"`),
            ),
          )
        ).reduce((a, b) => a + b, 0);
      // Each text scored once, by one of them, whatever the other met meanwhile.
      expect((await total('miss')) - (await total('other_replica'))).toBe(100);
      // Every claim released with its stored score.
      expect(await countOf(stack, 'SELECT count(*) AS n FROM score_claims')).toBe(0);
    } finally {
      await stack.stop();
    }
  });

  it('shares partitions between two apis in one group and scores each event once', async () => {
    const stack = await startTestStack(withMistral());
    try {
      const second = await stack.startAnotherApp();
      await new Promise((r) => setTimeout(r, 3000)); // let the group settle with both members
      await stack.produce(posts('pair', 600));
      await eventually(
        'all 600 stored',
        async () => (await countOf(stack, 'SELECT count(*) AS n FROM scored_events')) === 600,
        60_000,
      );
      await eventually('every decision', async () => decidedIds(stack).size === 600);
      // Counted once the batch's decisions are out, so a moment after they can be read.
      const scoredBy = () =>
        Promise.all(
          [stack.app, second].map((app) => metricTotal(app, 'sieve_events_scored_total')),
        );
      await eventually('600 scored between them', async () => {
        const [a, b] = await scoredBy();
        return a + b >= 600;
      });
      const [a, b] = await scoredBy();
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
      expect(a + b).toBe(600);
    } finally {
      await stack.stop();
    }
  });

  it('stores every event exactly once when the api process is killed mid-batch and restarted', async () => {
    const main = resolve(__dirname, '../../../../dist/apps/api/main.js');
    if (!existsSync(main))
      throw new Error(`${main} is missing: the integration target builds it first`);
    const stack = await startTestStack({ ...withMistral(), INGEST_ENABLED: 'false' });
    const slow = new FakeMistralServer({ apiKey: 'it-key', latencyMs: 100, recordRequests: false });
    await slow.start();
    const port = String(await freePort());
    const run = (): ChildProcess =>
      spawn(process.execPath, [main], {
        env: {
          ...process.env,
          ...stack.env,
          INGEST_ENABLED: 'true',
          MISTRAL_BASE_URL: slow.url,
          MISTRAL_MODERATION_CONCURRENCY: '2',
          PORT: port,
          LOG_LEVEL: 'error',
        },
        stdio: 'ignore',
      });
    try {
      await stack.produce(posts('crash', 3000));
      let api = run();
      await eventually(
        'some but not all events stored',
        async () => (await countOf(stack, 'SELECT count(*) AS n FROM scored_events')) >= 300,
        60_000,
      );
      api.kill('SIGKILL');
      await new Promise((r) => api.once('exit', r));
      const atKill = await countOf(stack, 'SELECT count(*) AS n FROM scored_events');
      expect(atKill).toBeLessThan(3000);

      api = run();
      await eventually(
        'all 3000 stored after the restart',
        async () => (await countOf(stack, 'SELECT count(*) AS n FROM scored_events')) === 3000,
        90_000,
      );
      await eventually('every decision published', async () => decidedIds(stack).size === 3000);
      api.kill('SIGTERM');
      await new Promise((r) => api.once('exit', r));
      expect(await countOf(stack, 'SELECT count(DISTINCT event_id) AS n FROM scored_events')).toBe(
        3000,
      );
      expect(await countOf(stack, 'SELECT count(*) AS n FROM flags')).toBe(600);
    } finally {
      await slow.stop();
      await stack.stop();
    }
  });
});
