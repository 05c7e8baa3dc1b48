import { Module } from '@nestjs/common';
import { PoliciesModule } from '../policies/policies.module';
import { SystemController } from './system.controller';

@Module({ imports: [PoliciesModule], controllers: [SystemController] })
export class SystemModule {}
