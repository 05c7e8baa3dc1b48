import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { IngestModule } from '../ingest/ingest.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), IngestModule],
  controllers: [HealthController],
})
export class HealthModule {}
