import { Global, Module } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_PRICING,
  MistralClient,
  parsePricingTable,
  type PricingTable,
  UsageTracker,
} from '@sieve/mistral';
import { APP_CONFIG, type AppConfig, ConfigError } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { MistralModelsCheck } from './mistral-models.check';
import { MISTRAL_CLIENT, MISTRAL_PRICING } from './mistral.tokens';
import { MistralUsageStore } from './mistral-usage.store';

export { MISTRAL_CLIENT, MISTRAL_PRICING } from './mistral.tokens';

function loadPricing(config: AppConfig): PricingTable {
  const path = config.MISTRAL_PRICING_FILE;
  if (!path) return DEFAULT_PRICING;
  try {
    return parsePricingTable(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  MISTRAL_PRICING_FILE: ${path}: ${(error as Error).message}`,
    );
  }
}

@Global()
@Module({
  providers: [
    MistralUsageStore,
    MistralModelsCheck,
    { provide: MISTRAL_PRICING, inject: [APP_CONFIG], useFactory: loadPricing },
    {
      provide: MISTRAL_CLIENT,
      inject: [APP_CONFIG, MetricsService, MistralUsageStore, MISTRAL_PRICING],
      useFactory: (
        config: AppConfig,
        metrics: MetricsService,
        store: MistralUsageStore,
        pricing: PricingTable,
      ): MistralClient | null => {
        if (!config.MISTRAL_API_KEY) return null;
        const usage = new UsageTracker({
          pricing,
          onRecord: (record) => {
            const by = { endpoint: record.endpoint, model: record.model };
            metrics.mistralTokens.inc(by, record.promptTokens + record.completionTokens);
            metrics.mistralCostUsd.inc(by, record.costUsd);
            store.add(record);
          },
        });
        return new MistralClient({
          apiKey: config.MISTRAL_API_KEY,
          baseUrl: config.MISTRAL_BASE_URL,
          timeoutMs: config.MISTRAL_TIMEOUT_MS,
          usage,
          onRateLimit: (budget) => {
            const set = (
              gauge: typeof metrics.mistralBudgetLimit,
              name: string,
              v: number | null,
            ) => v !== null && gauge.set({ budget: name }, v);
            set(metrics.mistralBudgetRemaining, 'requests', budget.requestsRemaining);
            set(metrics.mistralBudgetRemaining, 'tokens', budget.tokensRemaining);
            set(metrics.mistralBudgetLimit, 'requests', budget.requestsLimit);
            set(metrics.mistralBudgetLimit, 'tokens', budget.tokensLimit);
          },
          // Halves concurrency on 429 and grows it back, on top of Retry-After; spaces requests
          // out when the x-ratelimit headers say the minute's budget is spent.
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
  exports: [MISTRAL_CLIENT, MISTRAL_PRICING, MistralUsageStore],
})
export class MistralModule {}
