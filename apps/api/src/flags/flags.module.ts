import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PoliciesModule } from '../policies/policies.module';
import { QueuesModule } from '../queues/queues.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DecisionOutbox } from './decision-outbox';
import { DecisionOutboxRelay } from './decision-outbox.relay';
import { FlagsController } from './flags.controller';
import { FlagCountsRollup } from './flag-counts-rollup';
import { FlagEventsService } from './flag-events.service';
import { FlagStore } from './flag.store';
import { QualityCheckStore } from './quality-check.store';
import { FlagsService } from './flags.service';
import { ReviewService } from './review.service';

@Module({
  imports: [PoliciesModule, AuthModule, WebhooksModule, QueuesModule],
  controllers: [FlagsController],
  providers: [
    FlagsService,
    ReviewService,
    FlagEventsService,
    FlagStore,
    FlagCountsRollup,
    QualityCheckStore,
    DecisionOutbox,
    DecisionOutboxRelay,
  ],
  exports: [
    FlagsService,
    ReviewService,
    FlagStore,
    FlagCountsRollup,
    FlagEventsService,
    DecisionOutbox,
    DecisionOutboxRelay,
  ],
})
export class FlagsModule {}
