import { Logger } from '@nestjs/common';
import { DataSource, type Migration, MigrationExecutor } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';
import { withSessionLock } from './with-session-lock';

/**
 * Applies pending migrations, one process at a time. Replicas started together (each with
 * DATABASE_MIGRATIONS_RUN on) would otherwise all read the same migrations as pending and run
 * them at once: DDL fails in all but one, and a migration that only moves data runs twice. The
 * lock is Postgres's, held by the session the migrations run in, so a process that dies lets
 * go of it; the next one then finds nothing pending.
 */
export async function migrate(dataSource: DataSource): Promise<Migration[]> {
  // Neither a migration that rewrites a large table nor the wait for another process's is
  // bounded by the pool's statement timeout.
  const applied = await withSessionLock(
    dataSource,
    'sieve_migrations',
    { wait: true },
    (session) => {
      const executor = new MigrationExecutor(dataSource, session);
      executor.transaction = 'each';
      return executor.executePendingMigrations();
    },
  );
  new Logger('Migrations').log(
    applied.length ? `applied ${applied.map((m) => m.name).join(', ')}` : 'schema is up to date',
  );
  return applied;
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
