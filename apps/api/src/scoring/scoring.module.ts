import { Global, Logger, Module } from '@nestjs/common';
import type { MistralClient } from '@sieve/mistral';
import { categorySetById } from '@sieve/moderation';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MISTRAL_CLIENT } from '../mistral/mistral.module';
import { MistralScorer } from './mistral.scorer';
import { ModerationBatcher } from './moderation-batcher';
import { MODERATION_SCORER, type ModerationScorer } from './moderation-scorer';
import { OfflineScorer } from './offline.scorer';
import { ScoreCachePruner } from './score-cache-pruner.service';
import { ScoreCacheStore } from './score-cache.store';
import { ScoreLayouts } from './score-layouts';
import { ScoreModels } from './score-models';
import { ScoringService } from './scoring.service';

@Global()
@Module({
  providers: [
    {
      provide: MODERATION_SCORER,
      inject: [APP_CONFIG, MISTRAL_CLIENT],
      useFactory: (config: AppConfig, client: MistralClient | null): ModerationScorer => {
        const scorer = client
          ? new MistralScorer(client, config.MISTRAL_MODERATION_MODEL, config.MISTRAL_BATCH_POLL_MS)
          : new OfflineScorer(categorySetById(config.CATEGORY_SET).categories.map((c) => c.name));
        const logger = new Logger('Scoring');
        if (scorer.info.kind === 'offline')
          logger.warn(`MISTRAL_API_KEY is not set. ${scorer.info.label}`);
        else logger.log(`Scoring with ${scorer.info.label} at ${config.MISTRAL_BASE_URL}`);
        return scorer;
      },
    },
    ScoreCacheStore,
    ScoreLayouts,
    ScoreModels,
    ModerationBatcher,
    ScoringService,
    ScoreCachePruner,
  ],
  exports: [
    MODERATION_SCORER,
    ScoringService,
    ScoreCacheStore,
    ScoreLayouts,
    ScoreModels,
    ScoreCachePruner,
  ],
})
export class ScoringModule {}
