import { Module } from '@nestjs/common';
import { AuthorsModule } from '../authors/authors.module';
import { FlagsModule } from '../flags/flags.module';
import { StatementsController } from './statements.controller';
import { StatementsService } from './statements.service';
import { StatementsWorker } from './statements.worker';
import { TransparencyDatabaseSubmitter } from './transparency-database.submitter';

/** Statements of reasons (DSA Art. 17), notices to authors, submission to the Transparency Database. */
@Module({
  imports: [FlagsModule, AuthorsModule],
  controllers: [StatementsController],
  providers: [StatementsService, StatementsWorker, TransparencyDatabaseSubmitter],
  exports: [StatementsService],
})
export class StatementsModule {}
