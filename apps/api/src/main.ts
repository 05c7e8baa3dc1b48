import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp, generateOpenApiDocument } from './app.setup';
import { ConfigError, loadConfig } from './config/app-config';
import { runMigrations } from './database/run-migrations';
import { deadLettersCommand } from './dead-letters-command';
import { rescoreCommand } from './rescore-command';
import { retentionCommand } from './retention-command';

async function bootstrap(): Promise<void> {
  if (process.argv.includes('--openapi')) {
    process.stdout.write(`${JSON.stringify(await generateOpenApiDocument(), null, 2)}\n`);
    return;
  }
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
  if (process.argv.includes('--retention')) {
    process.exit(await retentionCommand(process.argv));
  }
  if (process.argv.includes('--dead-letters')) {
    process.exit(await deadLettersCommand(process.argv));
  }
  // Lines logged before configureApp installs the pino logger are buffered and written through it.
  const app = configureApp(
    await NestFactory.create(AppModule, { bufferLogs: true, bodyParser: false }),
    config,
  );
  await app.listen(config.PORT, config.HOST);
  Logger.log(`API listening on ${config.HOST}:${config.PORT} (/api)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(
    `sieve-api: failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
