import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError, loadConfig } from './config/app-config';
import { runMigrations } from './database/run-migrations';
import { rescoreCommand } from './rescore-command';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`sieve-api: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  if (process.argv.includes('--migrate-only')) {
    await runMigrations(config);
    return;
  }
  if (process.argv.includes('--rescore')) {
    process.exit(await rescoreCommand(process.argv));
  }
  const levels = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  const logger = levels.slice(0, levels.indexOf(config.LOG_LEVEL) + 1);
  const app = configureApp(
    await NestFactory.create(AppModule, { logger: [...logger, 'fatal'], bodyParser: false }),
    config,
  );
  await app.listen(config.PORT, config.HOST);
  Logger.log(`API listening on http://localhost:${config.PORT}/api`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(
    `sieve-api: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
