import { randomBytes, randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Kafka, logLevel, type KafkaMessage, Partitioners } from 'kafkajs';
import { Pool } from 'pg';
import request from 'supertest';
import { loadConfig } from '../src/config/app-config';
import type { Role } from '../src/auth/roles';
import { UsersService } from '../src/users/users.service';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/app.setup';
import { inUtc } from '../src/database/data-source';
import { LOG_DESTINATION } from '../src/logging/logging.module';
import { createTestDatabase } from './test-database';

/** Polls until `check` returns a truthy value; fails with `what` after the timeout. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A content event as a platform produces it, keyed by its id: on 'forum', created now, unless given. */
export function contentEvent(event: { id: string; text: string } & Record<string, unknown>) {
  return {
    key: event.id,
    value: JSON.stringify({ source: 'forum', createdAt: new Date().toISOString(), ...event }),
  };
}

export interface CollectedMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/**
 * A fresh database and fresh topic names on the shared embedded Postgres and broker, and the
 * whole api (consumer included) running against them.
 */
export async function startTestStack(
  env: Record<string, string> = {},
  options: { logDestination?: Writable; postgresUrl?: string } = {},
) {
  const serverUrl = options.postgresUrl ?? process.env['SIEVE_TEST_POSTGRES_URL'];
  const brokers = process.env['SIEVE_TEST_KAFKA_BROKERS'];
  if (!serverUrl || !brokers)
    throw new Error('run integration specs through jest.integration.config.cts');

  const suffix = randomUUID().slice(0, 8);
  const databaseUrl = await createTestDatabase('sieve_it', serverUrl);

  const topics = {
    content: `content.events.${suffix}`,
    decisions: `moderation.decisions.${suffix}`,
    dlq: `content.events.dlq.${suffix}`,
    appeals: `moderation.appeals.${suffix}`,
  };
  const stackEnv: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    KAFKA_GROUP_ID: `sieve-it-${suffix}`,
    KAFKA_CONTENT_TOPIC: topics.content,
    KAFKA_DECISIONS_TOPIC: topics.decisions,
    KAFKA_DLQ_TOPIC: topics.dlq,
    KAFKA_APPEALS_TOPIC: topics.appeals,
    MISTRAL_API_KEY: '',
    // Secrets are sealed in every spec, as in a deployment (docker-compose requires a key).
    SECRETS_KEY: randomBytes(32).toString('base64'),
    // Refused requests log at warn; specs make plenty on purpose.
    LOG_LEVEL: 'error',
    ...env,
  };
  Object.assign(process.env, stackEnv);
  const app = await createApp(options.logDestination);
  const otherApps: INestApplication[] = [];

  const kafka = new Kafka({
    clientId: `sieve-it-${suffix}`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // A pool, not one client: specs query in parallel (seeding flags with Promise.all), which a
  // single pg client only queues, with a deprecation warning.
  const newPool = () => {
    // In UTC like the api's sessions: the specs' own SQL means UTC hours and days too.
    const pool = new Pool({ connectionString: inUtc(databaseUrl), max: 4 });
    pool.on('error', () => undefined); // a spec may cut the database off on purpose
    return pool;
  };
  let db = newPool();

  const collected: Record<'decisions' | 'dlq', CollectedMessage[]> = { decisions: [], dlq: [] };
  // The mock broker holds an empty fetch for the whole wait (kafkajs: 5 s by default), which
  // every spec waiting for a decision would pay.
  const collector = kafka.consumer({
    groupId: `sieve-it-collector-${suffix}`,
    maxWaitTimeInMs: 100,
  });
  await collector.connect();
  await collector.subscribe({ topics: [topics.decisions, topics.dlq], fromBeginning: true });
  await collector.run({
    eachMessage: async ({ topic, message }) => {
      collected[topic === topics.dlq ? 'dlq' : 'decisions'].push(toCollected(message));
    },
  });

  const users = app.get(UsersService);
  let userCount = 0;

  /** Creates a user with the role and signs in: the agent keeps the cookie and sends the CSRF token. */
  async function signIn(role: Role) {
    const email = `${role}-${++userCount}-${suffix}@test.local`;
    const password = `password-for-${role}-${userCount}`;
    await users.create(
      { email, displayName: `${role} ${userCount}`, role, password },
      { label: 'test' },
    );
    const agent = request.agent(app.getHttpServer());
    const login = await agent.post('/api/auth/login').send({ email, password }).expect(200);
    return {
      agent,
      email,
      password,
      /** The session cookie, for clients other than the agent (e.g. a server-sent-events reader). */
      cookie: String(login.headers['set-cookie']).split(';')[0],
      csrfToken: login.body.csrfToken as string,
      userId: login.body.user.id as string,
    };
  }

  /** Erases an author's content through the api, as an admin would (POST /api/authors/erasures). */
  async function eraseAuthor(source: string, authorId: string) {
    const admin = await signIn('admin');
    const erased = await admin.agent
      .post('/api/authors/erasures')
      .set('x-csrf-token', admin.csrfToken)
      .send({ source, authorId, reason: `erasure request for ${authorId}` })
      .expect((response) => expect([201, 202]).toContain(response.status));
    type Erasure = { id: string; eventsErased: number; completedAt: string | null };
    const { id } = erased.body as Erasure;
    // A slow machine may answer 202 and finish in the background.
    return eventually('the erasure completed', async () => {
      const erasure = (await admin.agent.get(`/api/authors/erasures/${id}`).expect(200))
        .body as Erasure;
      return erasure.completedAt ? erasure : undefined;
    });
  }

  let seeded = 0;
  /** A flagged event written straight to the tables, for specs about the review workflow. */
  async function seedFlag(
    text = 'I will kill you',
    autoDecision: 'review' | 'block' = 'review',
    queue = 'default',
    authorId = 'author-1',
  ) {
    const n = ++seeded;
    const { rows } = await db.query(
      `WITH k AS (
         INSERT INTO event_keys (source, event_id) VALUES ('seed', $1) RETURNING scored_event_id
       ), e AS (
         INSERT INTO scored_events (id, source, event_id, author_id, text, event_created_at, model_id, score_layout, score_values, policy_version, decision, kept)
         SELECT k.scored_event_id, 'seed', $1, $5, $2, now(), score_model_id('sieve-offline-lexicon-v1'), c.layout, c.vals, 1, $3, true
         FROM k CROSS JOIN compact_scores('{"violence_and_threats": 0.9}') AS c
         RETURNING id)
       INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score, queue)
       SELECT id, $3, ARRAY['violence_and_threats'],
              jsonb_build_array(jsonb_build_object('category', 'violence_and_threats', 'score', 0.9, 'threshold', 0.5, 'action', $3::text)), 0.9, $4 FROM e
       RETURNING id`,
      [`seed-${suffix}-${n}`, text, autoDecision, queue, authorId],
    );
    return { id: rows[0].id as string, eventId: `seed-${suffix}-${n}` };
  }

  return {
    app,
    /** What the api of this stack runs with, e.g. to start it as a separate process. */
    env: stackEnv,
    /** Another api on the same database and topics, in the same consumer group. */
    async startAnotherApp(overrides: Record<string, string> = {}) {
      Object.assign(process.env, stackEnv, overrides);
      const other = await createApp().finally(() => {
        for (const name of Object.keys(overrides)) {
          if (name in stackEnv) process.env[name] = stackEnv[name];
          else delete process.env[name];
        }
      });
      otherApps.push(other);
      return other;
    },
    signIn,
    eraseAuthor,
    seedFlag,
    get db() {
      return db;
    },
    /** A new connection, after a spec cut the database off. */
    async reconnectDb() {
      await db.end().catch(() => undefined);
      db = newPool();
    },
    kafka,
    topics,
    collected,
    produce: (
      messages: { key?: string; value: string | Buffer; headers?: Record<string, string> }[],
    ) => producer.send({ topic: topics.content, messages }),
    produceAppeals: (messages: { key?: string; value: string | Buffer }[]) =>
      producer.send({ topic: topics.appeals, messages }),
    async stop() {
      await collector.disconnect();
      await producer.disconnect();
      await db.end().catch(() => undefined);
      for (const other of otherApps) await other.close();
      await app.close();
    },
  };
}

async function createApp(logDestination?: Writable): Promise<INestApplication> {
  const builder = Test.createTestingModule({ imports: [AppModule] });
  if (logDestination) builder.overrideProvider(LOG_DESTINATION).useValue(logDestination);
  const moduleRef = await builder.compile();
  const app = configureApp(
    moduleRef.createNestApplication({ logger: ['error', 'warn'], bodyParser: false }),
    // The settings the spec's environment gives (TRUST_PROXY=true, NODE_ENV=production, …).
    loadConfig(),
  );
  try {
    await app.init();
  } catch (error) {
    // A start refused on purpose (a spec checking start-up validation) must not leave its
    // listeners and timers running past the spec.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

function toCollected(message: KafkaMessage): CollectedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
  return {
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers,
  };
}
