import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';
import { PgNotificationsService } from './pg-notifications.service';

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
    }),
  ],
})
export class DatabaseModule {}
