import { Module } from '@nestjs/common';
import { PoliciesModule } from '../policies/policies.module';
import { FlagsController } from './flags.controller';
import { FlagsService } from './flags.service';

@Module({
  imports: [PoliciesModule],
  controllers: [FlagsController],
  providers: [FlagsService],
})
export class FlagsModule {}
