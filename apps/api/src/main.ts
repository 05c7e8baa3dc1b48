import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError, loadConfig } from './config/app-config';

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
  const app = configureApp(await NestFactory.create(AppModule, { bufferLogs: false }));
  await app.listen(config.PORT, config.HOST);
  Logger.log(`API listening on http://localhost:${config.PORT}/api`, 'Bootstrap');
}

void bootstrap();
