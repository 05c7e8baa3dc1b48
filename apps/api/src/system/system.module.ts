import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { JudgingModule } from '../judging/judging.module';
import { PoliciesModule } from '../policies/policies.module';
import { SystemController } from './system.controller';

@Module({ imports: [PoliciesModule, FlagsModule, JudgingModule], controllers: [SystemController] })
export class SystemModule {}
