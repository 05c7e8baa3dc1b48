import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PolicyVersion } from './entities/policy-version.entity';
import { PoliciesService } from './policies.service';

@Module({
  imports: [TypeOrmModule.forFeature([PolicyVersion])],
  providers: [PoliciesService],
  exports: [PoliciesService],
})
export class PoliciesModule {}
