import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { AuthorsController } from './authors.controller';
import { ErasureService } from './erasure.service';
import { StrikesService } from './strikes.service';

/** Authors across their posts: strikes, levels, account recommendations, and erasure on request. */
@Module({
  imports: [FlagsModule],
  controllers: [AuthorsController],
  providers: [StrikesService, ErasureService],
  exports: [StrikesService],
})
export class AuthorsModule {}
