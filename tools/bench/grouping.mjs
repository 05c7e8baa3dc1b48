#!/usr/bin/env node
// `npm run bench:grouping`: the waves' grouping alone, on flags the pipeline stored before it
// started — what one api spends per flag to vectorize and group it (CPU of the api and of
// PostgreSQL, WAL), without the pipeline competing for the same cores. `npm run bench` measures
// it at full load; this is the figure to make cheaper. BENCH_EVENTS (default 60,000) sets the
// stream; BENCH_API_PROFILE=1 writes the grouping api's CPU profile to /tmp/sieve-prof.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { cpuSnapshot } from '../lib/cpu.mjs';
import { CPU_PROFILE_ARGS, createRunner, DEPLOYED_HEAP_ARGS } from '../lib/harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = process.env;
const events = Number(env.BENCH_EVENTS ?? 60_000);
const runId = Date.now().toString(36);
const log = (message) => console.log(`[grouping] ${message}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const { cleanups, cleanup, produce, startStack, startApi, stop } = createRunner(root, env);

try {
  const stack = await startStack({
    database: 'bench',
    mistralLatencyMs: 50,
    apiKey: 'bench-key',
    log,
  });
  const { brokers } = stack;
  const db = new pg.Pool({ connectionString: stack.postgres.url, max: 2 });
  cleanups.push(() => db.end());
  const topic = `grouping.content.${runId}`;
  const groupId = `grouping-${runId}`;
  const apiOptions = (extraEnv, nodeArgs) => ({
    stack,
    topics: {
      content: topic,
      decisions: `grouping.decisions.${runId}`,
      dlq: `grouping.dlq.${runId}`,
    },
    groupId,
    env: extraEnv,
    ...(nodeArgs ? { nodeArgs } : {}),
  });

  // 1. The pipeline stores the flags, with the grouping off.
  const ingest = await startApi('api-ingest', apiOptions({ WAVES_ENABLED: 'false' }));
  const kafka = new Kafka({
    clientId: 'grouping-bench',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  let committed = 0;
  const progress = async () => {
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      committed = offsets.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    } catch {
      // the group has not committed yet
    }
    return committed;
  };
  const producer = produce({ brokers, topic, count: events, window: 40_000, runId }, progress);
  while ((await progress()) < events) {
    if (ingest.exitCode !== null) throw new Error(`api exited:\n${ingest.tail.join('\n')}`);
    await sleep(200);
  }
  await producer.done;
  await stop(ingest);
  const inbox = async () =>
    Number((await db.query('SELECT count(*) AS n FROM wave_inbox')).rows[0].n);
  const flags = await inbox();
  log(`${events} events stored, ${flags} flags waiting to be grouped`);

  // 2. The grouping alone: a replica that does not consume, from its start to an empty inbox.
  await db.query('CHECKPOINT');
  const grouper = await startApi(
    'api-grouping',
    apiOptions(
      { INGEST_ENABLED: 'false', WAVES_ENABLED: 'true', WAVE_GROUPING_DUTY: '1' },
      env.BENCH_API_PROFILE ? [...DEPLOYED_HEAP_ARGS, ...CPU_PROFILE_ARGS] : undefined,
    ),
  );
  // From here: the few flags it grouped while starting are left out of every figure.
  const roles = { [grouper.pid]: 'api' };
  const cpuBefore = cpuSnapshot(roles).seconds;
  const walBefore = (await db.query('SELECT pg_current_wal_lsn() AS lsn')).rows[0].lsn;
  const started = Date.now();
  const measured = await inbox();
  // EXISTS, not a count: polling must not add to what Postgres is measured doing.
  const waiting = async () =>
    (await db.query('SELECT EXISTS (SELECT 1 FROM wave_inbox) AS waiting')).rows[0].waiting;
  while (await waiting()) {
    if (grouper.exitCode !== null) throw new Error(`api exited:\n${grouper.tail.join('\n')}`);
    await sleep(100);
  }
  const seconds = (Date.now() - started) / 1000;
  const cpu = cpuSnapshot(roles).seconds;
  const walAfter = (await db.query('SELECT pg_current_wal_lsn() AS lsn')).rows[0].lsn;
  const wal = Number(
    (await db.query('SELECT pg_wal_lsn_diff($1, $2) AS d', [walAfter, walBefore])).rows[0].d,
  );
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM waves WHERE status = 'open')::int AS waves,
            (SELECT count(*) FROM wave_members)::int AS members,
            (SELECT count(*) FROM text_vectors)::int AS vectors`,
  );
  await stop(grouper);
  const result = {
    flags: measured,
    seconds,
    flags_per_second: Math.round(measured / seconds),
    api_cpu_us_per_flag: Math.round(((cpu.api - cpuBefore.api) * 1e6) / measured),
    pg_cpu_us_per_flag: Math.round(((cpu.postgres - cpuBefore.postgres) * 1e6) / measured),
    wal_bytes_per_flag: Math.round(wal / measured),
    ...rows[0],
  };
  log(JSON.stringify(result));
} finally {
  await cleanup();
}
