import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { MistralClient, PricingTable } from '@sieve/mistral';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MISTRAL_CLIENT, MISTRAL_PRICING } from '../mistral/mistral.module';
import { FlagsModule } from '../flags/flags.module';
import { PoliciesModule } from '../policies/policies.module';
import { Explanation } from './entities/explanation.entity';
import { ExplanationRequest } from './entities/explanation-request.entity';
import { ExplanationBudget } from './explanation-budget';
import { type Explainer, MistralExplainer, OfflineExplainer } from './explainers';
import { ExplanationsController } from './explanations.controller';
import { EXPLAINER, ExplanationsService } from './explanations.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Explanation, ExplanationRequest]),
    PoliciesModule,
    FlagsModule,
  ],
  controllers: [ExplanationsController],
  providers: [
    ExplanationsService,
    ExplanationBudget,
    {
      provide: EXPLAINER,
      inject: [APP_CONFIG, MISTRAL_CLIENT, MISTRAL_PRICING],
      useFactory: (
        config: AppConfig,
        client: MistralClient | null,
        pricing: PricingTable,
      ): Explainer =>
        client
          ? new MistralExplainer(
              client,
              config.MISTRAL_CHAT_MODEL,
              config.EXPLAIN_MAX_OUTPUT_TOKENS,
              pricing,
            )
          : new OfflineExplainer(),
    },
  ],
})
export class ExplanationsModule {}
