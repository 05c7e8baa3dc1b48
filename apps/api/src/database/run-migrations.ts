import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';

/** `node main.js --migrate-only`: applies pending migrations and exits (one job before N replicas). */
export async function runMigrations(config: AppConfig): Promise<void> {
  const logger = new Logger('Migrations');
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL, 1));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    logger.log(
      applied.length ? `applied ${applied.map((m) => m.name).join(', ')}` : 'schema is up to date',
    );
  } finally {
    await dataSource.destroy();
  }
}
