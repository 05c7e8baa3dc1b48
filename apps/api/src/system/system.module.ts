import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { PoliciesModule } from '../policies/policies.module';
import { SystemController } from './system.controller';

@Module({ imports: [PoliciesModule, FlagsModule], controllers: [SystemController] })
export class SystemModule {}
