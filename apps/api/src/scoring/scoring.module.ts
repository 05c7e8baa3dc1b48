import { Global, Logger, Module } from '@nestjs/common';
import { MistralClient } from '@sieve/mistral';
import { categorySetById } from '@sieve/moderation';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MistralScorer } from './mistral.scorer';
import { MODERATION_SCORER, type ModerationScorer } from './moderation-scorer';
import { OfflineScorer } from './offline.scorer';

@Global()
@Module({
  providers: [
    {
      provide: MODERATION_SCORER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ModerationScorer => {
        const scorer = config.MISTRAL_API_KEY
          ? new MistralScorer(
              new MistralClient({
                apiKey: config.MISTRAL_API_KEY,
                baseUrl: config.MISTRAL_BASE_URL,
                timeoutMs: config.MISTRAL_TIMEOUT_MS,
              }),
              config.MISTRAL_MODERATION_MODEL,
              config.MISTRAL_MODERATION_BATCH_SIZE,
            )
          : new OfflineScorer(categorySetById(config.CATEGORY_SET).categories.map((c) => c.name));
        const logger = new Logger('Scoring');
        if (scorer.info.kind === 'offline')
          logger.warn(`MISTRAL_API_KEY is not set. ${scorer.info.label}`);
        else logger.log(`Scoring with ${scorer.info.label} at ${config.MISTRAL_BASE_URL}`);
        return scorer;
      },
    },
  ],
  exports: [MODERATION_SCORER],
})
export class ScoringModule {}
