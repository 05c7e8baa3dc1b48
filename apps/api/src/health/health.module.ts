import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { FlagsModule } from '../flags/flags.module';
import { IngestModule } from '../ingest/ingest.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), IngestModule, FlagsModule],
  controllers: [HealthController],
})
export class HealthModule {}
