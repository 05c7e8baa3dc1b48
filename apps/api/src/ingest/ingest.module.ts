import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { FlagsModule } from '../flags/flags.module';
import { JudgingModule } from '../judging/judging.module';
import { PoliciesModule } from '../policies/policies.module';
import { QueuesModule } from '../queues/queues.module';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLetters } from './dead-letters.service';
import { IngestConsumer } from './ingest.consumer';
import { IngestService } from './ingest.service';
import { RescoreService } from './rescore.service';
import { ScoredEventStore } from './scored-event.store';

@Module({
  controllers: [DeadLettersController],
  imports: [PoliciesModule, FlagsModule, WebhooksModule, QueuesModule, JudgingModule],
  providers: [IngestService, IngestConsumer, ScoredEventStore, RescoreService, DeadLetters],
  exports: [IngestConsumer, RescoreService, DeadLetters],
})
export class IngestModule {}
