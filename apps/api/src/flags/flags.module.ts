import { Module } from '@nestjs/common';
import { PoliciesModule } from '../policies/policies.module';
import { FlagsController } from './flags.controller';
import { FlagEventsService } from './flag-events.service';
import { FlagsService } from './flags.service';
import { ReviewService } from './review.service';

@Module({
  imports: [PoliciesModule],
  controllers: [FlagsController],
  providers: [FlagsService, ReviewService, FlagEventsService],
  exports: [ReviewService],
})
export class FlagsModule {}
