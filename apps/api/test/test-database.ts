import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/**
 * A new, empty database named `<prefix>_<random>` on the integration suite's embedded Postgres
 * (or on `serverUrl`); resolves to its url.
 */
export async function createTestDatabase(
  prefix: string,
  serverUrl = process.env['SIEVE_TEST_POSTGRES_URL'],
): Promise<string> {
  if (!serverUrl) throw new Error('run integration specs through jest.integration.config.cts');
  const database = `${prefix}_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  return serverUrl.replace(/\/[^/]+$/, `/${database}`);
}
