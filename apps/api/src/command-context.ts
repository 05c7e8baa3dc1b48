import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

/**
 * What a one-off command turns off: the consumers, relays, workers and periodic jobs. The
 * replicas that serve do that work; a command does only what it says (a dry run changes nothing),
 * does not join their consumer groups, and exits as soon as it is done.
 */
export const ONE_OFF_COMMAND_ENV = {
  INGEST_ENABLED: 'false',
  OUTBOX_RELAY_ENABLED: 'false',
  WEBHOOKS_ENABLED: 'false',
  STATEMENTS_ENABLED: 'false',
  JUDGE_WORKER_ENABLED: 'false',
  WAVES_ENABLED: 'false',
  RETENTION_ENABLED: 'false',
  BACKGROUND_JOBS_ENABLED: 'false',
} as const;

/**
 * The api as a one-off command (`--retention`, `--rescore`) runs it: quiet while the modules load,
 * then logging the command's progress.
 */
export async function createCommandContext(): Promise<INestApplicationContext> {
  Object.assign(process.env, ONE_OFF_COMMAND_ENV);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  app.useLogger(['error', 'warn', 'log']);
  return app;
}
