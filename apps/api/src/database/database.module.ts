import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';
import { PgNotificationsService } from './pg-notifications.service';
import { migrate } from './run-migrations';

@Global()
@Module({
  providers: [PgNotificationsService],
  exports: [PgNotificationsService],
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(
          config.DATABASE_URL,
          config.DATABASE_POOL_SIZE,
          Math.floor((config.BACKTEST_SETTLE_SECONDS * 1000) / 2),
        ),
        migrationsRun: config.DATABASE_MIGRATIONS_RUN,
        retryAttempts: 5,
        retryDelay: 1000,
      }),
      // TypeORM's own migrationsRun takes no lock: the migrations run here, under one.
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('the database options are missing');
        const { migrationsRun, ...rest } = options;
        const dataSource = await new DataSource({ ...rest, migrationsRun: false }).initialize();
        if (migrationsRun)
          await migrate(dataSource).catch(async (error: unknown) => {
            await dataSource.destroy();
            throw error;
          });
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
