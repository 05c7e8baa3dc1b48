import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { AuthorsController } from './authors.controller';
import { StrikesService } from './strikes.service';

/** Authors across their posts: strikes, levels and account recommendations. */
@Module({
  imports: [FlagsModule],
  controllers: [AuthorsController],
  providers: [StrikesService],
  exports: [StrikesService],
})
export class AuthorsModule {}
