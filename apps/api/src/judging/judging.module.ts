import { Module } from '@nestjs/common';
import type { MistralClient, PricingTable } from '@sieve/mistral';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FlagsModule } from '../flags/flags.module';
import { MISTRAL_CLIENT, MISTRAL_PRICING } from '../mistral/mistral.module';
import { PoliciesModule } from '../policies/policies.module';
import { QueuesModule } from '../queues/queues.module';
import { JudgeEvaluationService } from './judge-evaluation.service';
import { JudgeWorker } from './judge.worker';
import { JudgementStore } from './judgement.store';
import { type Judge, MistralJudge, OfflineJudge } from './judges';
import { JudgingController } from './judging.controller';
import { JUDGE, JudgingService } from './judging.service';

/** Custom categories' judge: the cascade's second stage, its budget, and evaluations. */
@Module({
  imports: [PoliciesModule, FlagsModule, QueuesModule],
  controllers: [JudgingController],
  providers: [
    JudgingService,
    JudgeWorker,
    JudgeEvaluationService,
    JudgementStore,
    {
      provide: JUDGE,
      inject: [APP_CONFIG, MISTRAL_CLIENT, MISTRAL_PRICING],
      useFactory: (
        config: AppConfig,
        client: MistralClient | null,
        pricing: PricingTable,
      ): Judge =>
        client
          ? new MistralJudge(client, config.JUDGE_MODEL, pricing, config.MISTRAL_BATCH_POLL_MS)
          : new OfflineJudge(),
    },
  ],
  exports: [JudgingService, JudgementStore],
})
export class JudgingModule {}
