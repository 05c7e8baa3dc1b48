import { Global, Module } from '@nestjs/common';
import { DEFAULT_PRICING, MistralClient, UsageTracker } from '@sieve/mistral';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { MistralUsageStore } from './mistral-usage.store';

/** One Mistral client per process (one usage tracker, one rate limiter), or null without a key. */
export const MISTRAL_CLIENT = Symbol('MISTRAL_CLIENT');

@Global()
@Module({
  providers: [
    MistralUsageStore,
    {
      provide: MISTRAL_CLIENT,
      inject: [APP_CONFIG, MetricsService, MistralUsageStore],
      useFactory: (
        config: AppConfig,
        metrics: MetricsService,
        store: MistralUsageStore,
      ): MistralClient | null => {
        if (!config.MISTRAL_API_KEY) return null;
        const usage = new UsageTracker(DEFAULT_PRICING, undefined, undefined, (record) => {
          const by = { endpoint: record.endpoint, model: record.model };
          metrics.mistralTokens.inc(by, record.promptTokens + record.completionTokens);
          metrics.mistralCostUsd.inc(by, record.costUsd);
          store.add(record);
        });
        return new MistralClient({
          apiKey: config.MISTRAL_API_KEY,
          baseUrl: config.MISTRAL_BASE_URL,
          timeoutMs: config.MISTRAL_TIMEOUT_MS,
          usage,
          // Halves concurrency on 429 and grows it back, on top of Retry-After.
          rateLimit: {
            adaptive: true,
            maxConcurrency: config.MISTRAL_MODERATION_CONCURRENCY + 8,
            requestsPerSecond: config.MISTRAL_REQUESTS_PER_SECOND,
            tokensPerMinute: config.MISTRAL_TOKENS_PER_MINUTE,
          },
        });
      },
    },
  ],
  exports: [MISTRAL_CLIENT, MistralUsageStore],
})
export class MistralModule {}
