import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { TerminusModule } from '@nestjs/terminus';
import { FlagsModule } from '../flags/flags.module';
import { IngestModule } from '../ingest/ingest.module';
import { WavesModule } from '../waves/waves.module';
import { HealthController } from './health.controller';

@Module({
  imports: [
    TerminusModule.forRoot({ errorLogStyle: 'json' }),
    IngestModule,
    FlagsModule,
    WebhooksModule,
    WavesModule,
  ],
  controllers: [HealthController],
})
export class HealthModule {}
