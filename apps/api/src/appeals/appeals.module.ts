import { Module } from '@nestjs/common';
import { AuthorsModule } from '../authors/authors.module';
import { FlagsModule } from '../flags/flags.module';
import { AppealsConsumer } from './appeals.consumer';
import { AppealsController } from './appeals.controller';
import { AppealsService } from './appeals.service';

/** Authors' appeals against restricting decisions: submitted by HTTP or Kafka, decided by a second reviewer. */
@Module({
  imports: [FlagsModule, AuthorsModule],
  controllers: [AppealsController],
  providers: [AppealsService, AppealsConsumer],
  exports: [AppealsService],
})
export class AppealsModule {}
