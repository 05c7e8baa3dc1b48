import { Logger } from '@nestjs/common';
import { DataSource, type Migration, MigrationExecutor } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';

/**
 * Applies pending migrations, one process at a time. Replicas started together (each with
 * DATABASE_MIGRATIONS_RUN on) would otherwise all read the same migrations as pending and run
 * them at once: DDL fails in all but one, and a migration that only moves data runs twice. The
 * lock is Postgres's, held by the session the migrations run in, so a process that dies lets
 * go of it; the next one then finds nothing pending.
 */
export async function migrate(dataSource: DataSource): Promise<Migration[]> {
  const session = dataSource.createQueryRunner();
  try {
    // Neither a migration that rewrites a large table nor the wait for another process's is
    // bounded by the pool's statement_timeout; the connection gets it back before it returns.
    await session.query(`SET statement_timeout = 0`);
    await session.query(`SELECT pg_advisory_lock(hashtext('sieve_migrations'))`);
    try {
      const executor = new MigrationExecutor(dataSource, session);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      new Logger('Migrations').log(
        applied.length
          ? `applied ${applied.map((m) => m.name).join(', ')}`
          : 'schema is up to date',
      );
      return applied;
    } finally {
      await session.query(`SELECT pg_advisory_unlock(hashtext('sieve_migrations'))`);
    }
  } finally {
    await session.query(`RESET statement_timeout`).catch(() => undefined);
    await session.release();
  }
}

/** `node main.js --migrate-only`: applies pending migrations and exits (one job before N replicas). */
export async function runMigrations(config: AppConfig): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL, 1));
  await dataSource.initialize();
  try {
    await migrate(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
