import { Module } from '@nestjs/common';
import { RetentionController } from './retention.controller';
import { RetentionScheduler } from './retention.scheduler';
import { RetentionService } from './retention.service';
import { ScoredEventPartitions } from './scored-event-partitions';

/** Data that ages out: the day partitions of allowed events, and retention per kind. */
@Module({
  controllers: [RetentionController],
  providers: [RetentionService, RetentionScheduler, ScoredEventPartitions],
  exports: [RetentionService, ScoredEventPartitions],
})
export class RetentionModule {}
