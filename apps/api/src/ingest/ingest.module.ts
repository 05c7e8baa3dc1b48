import { Module } from '@nestjs/common';
import { PoliciesModule } from '../policies/policies.module';
import { IngestConsumer } from './ingest.consumer';
import { IngestService } from './ingest.service';
import { ScoredEventStore } from './scored-event.store';

@Module({
  imports: [PoliciesModule],
  providers: [IngestService, IngestConsumer, ScoredEventStore],
  exports: [IngestConsumer],
})
export class IngestModule {}
