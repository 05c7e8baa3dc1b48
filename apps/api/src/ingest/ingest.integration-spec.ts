import { execFileSync } from 'node:child_process';
import request from 'supertest';
import type { AutomaticDecisionMessage } from '@sieve/moderation';
import { eventually, startTestStack } from '../../test/test-stack';
import { DLQ_HEADERS } from './ingest.service';

const event = (id: string, text: string, extra: Record<string, unknown> = {}) => ({
  key: id,
  value: JSON.stringify({
    id,
    source: 'forum',
    authorId: `author-${id}`,
    text,
    createdAt: '2026-11-25T10:00:00Z',
    ...extra,
  }),
});

describe('ingest pipeline (embedded Postgres + Kafka-protocol broker)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  const count = async (sql: string) => Number((await stack.db.query(sql)).rows[0].n);

  it('stores every event, flags the harmful ones, publishes decisions and dead-letters malformed events — once', async () => {
    const batch = [
      event('e1', 'Lovely weather in Lisbon today'),
      event('e2', 'I will kill you tomorrow', { lang: 'en', context: { threadId: 't-9' } }),
      event('e3', 'mail me at jane.doe@example.org'),
      { key: 'bad-json', value: '{"id": "e4", "text": ' },
      { key: 'missing', value: JSON.stringify({ id: 'e5', text: 'no source' }) },
    ];
    await stack.produce(batch);

    await eventually(
      '3 decisions and 2 dead letters',
      async () => stack.collected.decisions.length >= 3 && stack.collected.dlq.length >= 2,
    );
    expect(await count('SELECT count(*) AS n FROM scored_events')).toBe(3);
    expect(await count('SELECT count(*) AS n FROM flags')).toBe(2);
    // Time-ordered keys (PostgreSQL 18's uuidv7), which append to their index.
    expect(
      await count(`SELECT count(*) AS n FROM (SELECT id FROM scored_events UNION ALL SELECT id FROM flags) AS ids
                   WHERE uuid_extract_version(id) = 7`),
    ).toBe(5);

    const decisions = stack.collected.decisions.map(
      (m) => JSON.parse(m.value ?? '') as AutomaticDecisionMessage,
    );
    const byId = Object.fromEntries(decisions.map((d) => [d.eventId, d]));
    expect(byId['e1']).toMatchObject({
      decision: 'allow',
      triggered: [],
      policyVersion: 1,
      model: 'sieve-offline-lexicon-v1',
    });
    expect(byId['e2']).toMatchObject({
      decision: 'review',
      triggered: [expect.objectContaining({ category: 'violence_and_threats' })],
    });
    expect(byId['e3'].triggered.map((t) => t.category)).toStrictEqual(['pii']);
    // Keyed by event id, so an event's later decisions stay in order behind it; each decided once.
    expect(stack.collected.decisions.map((m) => m.key).sort()).toStrictEqual(['e1', 'e2', 'e3']);

    const reasons = stack.collected.dlq.map((m) => m.headers[DLQ_HEADERS.reason]).sort();
    expect(reasons).toStrictEqual(['invalid_event', 'invalid_json']);
    const dead = stack.collected.dlq.find((m) => m.key === 'missing');
    expect(dead?.headers).toMatchObject({
      [DLQ_HEADERS.topic]: stack.topics.content,
      [DLQ_HEADERS.partition]: expect.stringMatching(/^\d+$/),
      [DLQ_HEADERS.offset]: expect.stringMatching(/^\d+$/),
    });
    expect(dead?.headers[DLQ_HEADERS.detail]).toContain('source');
    expect(dead?.value).toBe(batch[4].value);

    // A replay of the same events: decisions are re-published, nothing is stored twice.
    await stack.produce(batch.slice(0, 3));
    await eventually('the replayed decisions', async () => stack.collected.decisions.length >= 6);
    expect(await count('SELECT count(*) AS n FROM scored_events')).toBe(3);
    expect(await count('SELECT count(*) AS n FROM flags')).toBe(2);
    const replayed = stack.collected.decisions
      .slice(3)
      .map((m) => JSON.parse(m.value ?? '') as AutomaticDecisionMessage);
    expect(replayed.find((d) => d.eventId === 'e2')).toStrictEqual(byId['e2']);

    // Offsets are committed once the batch is stored.
    const admin = stack.kafka.admin();
    await admin.connect();
    try {
      await eventually('committed offsets to reach the end of the topic', async () => {
        const ends = await admin.fetchTopicOffsets(stack.topics.content);
        const [committed] = await admin.fetchOffsets({
          groupId: process.env['KAFKA_GROUP_ID'] ?? '',
          topics: [stack.topics.content],
        });
        return ends.every(
          (end) =>
            end.high === '0' ||
            committed.partitions.find((p) => p.partition === end.partition)?.offset === end.high,
        );
      });
    } finally {
      await admin.disconnect();
    }
  });

  it('serves the queue newest first with filters, keyset pages and a detail view', async () => {
    await stack.produce([
      event('q1', 'you are subhuman vermin'),
      event('q2', 'call me on +44 20 7946 0958'),
      event('q3', 'how to make a bomb at home'),
    ]);
    await eventually('5 flags', async () => (await count('SELECT count(*) AS n FROM flags')) === 5);
    const { agent: http } = await stack.signIn('viewer');

    const all = await http.get('/api/flags').expect(200);
    expect(all.body.items).toHaveLength(5);
    const times = all.body.items.map((f: { createdAt: string }) => f.createdAt);
    expect([...times].sort().reverse()).toStrictEqual(times);
    expect(all.body.nextCursor).toBeNull();

    const pii = await http.get('/api/flags?category=pii').expect(200);
    expect(
      pii.body.items.map((f: { event: { eventId: string } }) => f.event.eventId).sort(),
    ).toStrictEqual(['e3', 'q2']);

    const first = await http.get('/api/flags?limit=2').expect(200);
    const second = await http.get(`/api/flags?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    const third = await http.get(`/api/flags?limit=2&cursor=${second.body.nextCursor}`).expect(200);
    const paged = [...first.body.items, ...second.body.items, ...third.body.items].map(
      (f: { id: string }) => f.id,
    );
    expect(paged).toStrictEqual(all.body.items.map((f: { id: string }) => f.id));
    expect(third.body.nextCursor).toBeNull();

    expect((await http.get('/api/flags?status=decided').expect(200)).body.items).toStrictEqual([]);

    const detail = await http.get(`/api/flags/${pii.body.items[0].id}`).expect(200);
    expect(Object.keys(detail.body.scores)).toHaveLength(11);
    expect(detail.body.thresholds.pii).toStrictEqual({ enabled: true, reviewThreshold: 0.5 });
    expect(detail.body).toMatchObject({
      model: 'sieve-offline-lexicon-v1',
      policyVersion: 1,
      status: 'open',
    });
  });

  it('keeps an event id for its first text: another text under the same (source, id) is dead-lettered and counted', async () => {
    const original = event('owned-1', 'I will kill you at noon');
    await stack.produce([original]);
    await eventually('the original decision', async () =>
      stack.collected.decisions.some((m) => m.key === 'owned-1'),
    );
    const decisionsBefore = stack.collected.decisions.filter((m) => m.key === 'owned-1').length;
    const dlqBefore = stack.collected.dlq.length;

    // Someone else's producer reuses the id with a harmless text: it must not be answered
    // with the original's decision, nor replace it.
    const claim = event('owned-1', 'Lovely weather in Lisbon today');
    await stack.produce([claim]);
    await eventually('the claim in the dead-letter topic', async () =>
      stack.collected.dlq.some((m) => m.key === 'owned-1'),
    );
    const dead = stack.collected.dlq.slice(dlqBefore).find((m) => m.key === 'owned-1');
    expect(dead?.headers[DLQ_HEADERS.reason]).toBe('conflicting_event_id');
    expect(dead?.value).toBe(claim.value);
    const { rows } = await stack.db.query(
      `SELECT text FROM scored_events WHERE source = 'forum' AND event_id = 'owned-1'`,
    );
    expect(rows).toStrictEqual([{ text: 'I will kill you at noon' }]);
    const metrics = await request(stack.app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^sieve_dead_letters_total\{reason="conflicting_event_id"\} 1$/m);

    // The same text again is a replay: its decision is published again, nothing dead-lettered.
    await stack.produce([original]);
    await eventually(
      'the replayed decision',
      async () =>
        stack.collected.decisions.filter((m) => m.key === 'owned-1').length > decisionsBefore,
    );
    expect(stack.collected.dlq.filter((m) => m.key === 'owned-1')).toHaveLength(1);
  });

  it('answers an erased event id with neither its text stored again nor a decision', async () => {
    const original = {
      key: 'erased-1',
      value: JSON.stringify({
        id: 'erased-1',
        source: 'forum',
        authorId: 'leaving-author',
        text: 'I will kill you, signed Jane at 1 Main St',
        createdAt: '2026-11-25T10:00:00Z',
      }),
    };
    await stack.produce([original]);
    await eventually('the original decision', async () =>
      stack.collected.decisions.some((m) => m.key === 'erased-1'),
    );
    await stack.eraseAuthor('forum', 'leaving-author');
    const decisionsBefore = stack.collected.decisions.filter(
      (m) => m.key === 'erased-1' && m.headers['kind'] !== 'erasure',
    ).length;

    // The platform replays its topic: the erased post comes again.
    await stack.produce([original]);
    const dead = await eventually('the replay in the dead-letter topic', async () =>
      stack.collected.dlq.find((m) => m.key === 'erased-1'),
    );
    expect(dead.headers[DLQ_HEADERS.reason]).toBe('erased_event_id');
    expect(dead.headers[DLQ_HEADERS.topic]).toBe(stack.topics.content);
    // Where the message is, not the erased text again.
    expect(dead.value).toBeNull();
    const { rows } = await stack.db.query(
      `SELECT text, erased_at IS NOT NULL AS erased FROM scored_events
       WHERE source = 'forum' AND event_id = 'erased-1'`,
    );
    expect(rows).toStrictEqual([{ text: '', erased: true }]);
    expect(
      stack.collected.decisions.filter(
        (m) => m.key === 'erased-1' && m.headers['kind'] !== 'erasure',
      ),
    ).toHaveLength(decisionsBefore);
  });

  it('reads batches another Kafka client compressed: librdkafka (kcat) with gzip, snappy, lz4 and zstd', async () => {
    const broker = (process.env['SIEVE_TEST_KAFKA_BROKERS'] as string).split(',')[0];
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'];
    for (const codec of codecs) {
      // Twenty alike events in one batch: librdkafka sends a batch uncompressed when
      // compressing would not make it smaller.
      const lines = Array.from({ length: 20 }, (_, i) => {
        const { key, value } = event(
          `${codec}-${i}`,
          `Compressed by a ${codec} producer, number ${i}`,
        );
        return `${key}\t${value}`;
      });
      execFileSync(
        'kcat',
        [
          '-b',
          broker,
          '-P',
          '-t',
          stack.topics.content,
          '-z',
          codec,
          '-K',
          '\t',
          '-X',
          'linger.ms=100',
        ],
        { input: lines.join('\n') },
      );
    }
    await eventually('a decision for each of the 80 events', async () =>
      codecs.every(
        (codec) =>
          new Set(
            stack.collected.decisions.map((m) => m.key).filter((k) => k?.startsWith(`${codec}-`)),
          ).size === 20,
      ),
    );
    for (const codec of codecs)
      expect(
        await count(`SELECT count(*) AS n FROM scored_events WHERE event_id LIKE '${codec}-%'`),
      ).toBe(20);
  });

  it('answers bad requests with 400 and a body naming the field', async () => {
    const { agent: http } = await stack.signIn('viewer');
    const bad = await http.get('/api/flags?limit=0&status=maybe&color=red').expect(400);
    expect(bad.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed',
    });
    const fields = bad.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toStrictEqual(['color', 'limit', 'status']);

    const cursor = await http.get('/api/flags?cursor=bm90LWEtY3Vyc29y').expect(400);
    expect(cursor.body.details[0].field).toBe('cursor');

    // PostgreSQL text cannot hold U+0000: refused at the edge, not a failed query.
    const nul = await http.get('/api/flags?q=a%00b&source=ok').expect(400);
    expect(nul.body.details).toStrictEqual([
      { field: 'q', errors: ['contains the character U+0000, which cannot be stored'] },
    ]);

    await http.get('/api/flags/not-a-uuid').expect(400);
    const missing = await http.get('/api/flags/6f1c1c7e-3b9a-4b7e-9d7e-0c4b7a1f2e3d').expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('reports healthy once the database answers and the consumer has joined', async () => {
    const http = request(stack.app.getHttpServer());
    const ready = await http.get('/api/health/ready').expect(200);
    expect(ready.body).toStrictEqual({
      status: 'ok',
      info: {
        database: { status: 'up' },
        kafka: { status: 'up', consumer: 'running' },
        mistral: { status: 'up', circuit: 'closed', pausedPartitions: [] },
        outbox: { status: 'up', relay: 'running', unsent: 0, oldestUnsentSeconds: 0 },
        webhooks: {
          status: 'up',
          worker: 'running',
          active: 0,
          failing: [],
          disabled: [],
          pending: 0,
        },
        waves: {
          status: 'up',
          vectors: {
            method: 'offline-char-ngrams-v1',
            offline: true,
            label: expect.stringMatching(/no language model/),
          },
          search: 'exact',
          pgvector: 'not installed on this server',
          vectorsInMemory: expect.any(Number),
          grouping: 'on this replica (one replica groups at a time)',
          waiting: expect.any(Number),
          oldestWaitingSeconds: expect.any(Number),
        },
      },
      error: {},
      details: expect.any(Object),
    });
    expect((await http.get('/api/health').expect(200)).body).toStrictEqual(ready.body);
    expect((await http.get('/api/health/live').expect(200)).body.status).toBe('ok');
    const { agent } = await stack.signIn('viewer');
    const system = await agent.get('/api/system').expect(200);
    expect(system.body.scorer).toMatchObject({
      kind: 'offline',
      model: 'sieve-offline-lexicon-v1',
    });
    expect(system.body.scorer.label).toMatch(/not Mistral/);

    // Prometheus scrape: outside /api, plain text, with what the pipeline did so far.
    const metrics = await request(stack.app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/^sieve_events_consumed_total (\d+)$/m);
    expect(metrics.text).toMatch(/^sieve_dead_letters_total\{reason="invalid_json"\} 1$/m);
    expect(metrics.text).toMatch(/^sieve_scorer_circuit_state 0$/m);
    expect(metrics.text).toMatch(/^sieve_outbox_unsent_messages 0$/m);
    expect(metrics.text).toMatch(/^sieve_outbox_oldest_unsent_seconds 0$/m);
    // API requests by route template, not by concrete path.
    expect(metrics.text).toMatch(
      /^sieve_http_requests_total\{method="GET",route="\/api\/system",status="200"\} 1$/m,
    );
    expect(metrics.text).toMatch(
      /^sieve_http_request_seconds_count\{method="GET",route="\/api\/system"\} 1$/m,
    );
  });
});
