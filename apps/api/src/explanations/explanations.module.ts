import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { MistralClient } from '@sieve/mistral';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MISTRAL_CLIENT } from '../mistral/mistral.module';
import { FlagsModule } from '../flags/flags.module';
import { PoliciesModule } from '../policies/policies.module';
import { Explanation } from './entities/explanation.entity';
import { type Explainer, MistralExplainer, OfflineExplainer } from './explainers';
import { ExplanationsController } from './explanations.controller';
import { EXPLAINER, ExplanationsService } from './explanations.service';

@Module({
  imports: [TypeOrmModule.forFeature([Explanation]), PoliciesModule, FlagsModule],
  controllers: [ExplanationsController],
  providers: [
    ExplanationsService,
    {
      provide: EXPLAINER,
      inject: [APP_CONFIG, MISTRAL_CLIENT],
      useFactory: (config: AppConfig, client: MistralClient | null): Explainer =>
        client ? new MistralExplainer(client, config.MISTRAL_CHAT_MODEL) : new OfflineExplainer(),
    },
  ],
})
export class ExplanationsModule {}
