import { Global, Module } from '@nestjs/common';
import { MistralClient } from '@sieve/mistral';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** One Mistral client per process (one usage tracker, one rate limiter), or null without a key. */
export const MISTRAL_CLIENT = Symbol('MISTRAL_CLIENT');

@Global()
@Module({
  providers: [
    {
      provide: MISTRAL_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): MistralClient | null =>
        config.MISTRAL_API_KEY
          ? new MistralClient({
              apiKey: config.MISTRAL_API_KEY,
              baseUrl: config.MISTRAL_BASE_URL,
              timeoutMs: config.MISTRAL_TIMEOUT_MS,
            })
          : null,
    },
  ],
  exports: [MISTRAL_CLIENT],
})
export class MistralModule {}
