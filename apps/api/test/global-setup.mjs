import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockKafka } from '../../../tools/lib/kafka.mjs';
import { startEmbeddedPostgres } from '../../../tools/lib/postgres.mjs';
import { ensureCommand } from '../../../tools/lib/system-deps.mjs';

/** One Postgres server and one broker for the run; each spec makes its own database and topics. */
export default async function globalSetup() {
  ensureCommand('kcat', 'kcat', 'or set KAFKA_BROKERS to a Kafka cluster for the tests.');
  const dataDir = join(mkdtempSync(join(tmpdir(), 'sieve-it-')), 'pg');
  const [postgres, kafka] = await Promise.all([
    // A server whose zone is not UTC, and not whole hours from it: the api must not depend on it
    // (hourly and daily histograms, day partitions and reports are all UTC).
    startEmbeddedPostgres({
      dataDir,
      persistent: false,
      postgresFlags: ['-c', 'timezone=Asia/Kolkata'],
    }),
    process.env.KAFKA_BROKERS ? null : startMockKafka(),
  ]);
  globalThis.__SIEVE_STACK__ = { postgres, kafka };
  process.env.SIEVE_TEST_POSTGRES_URL = postgres.url;
  process.env.SIEVE_TEST_KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? kafka.brokers;
  // Specs run in band, so one may stop the broker for a moment (SIGSTOP) and resume it.
  if (kafka) process.env.SIEVE_TEST_KAFKA_PID = String(kafka.pid);
}
