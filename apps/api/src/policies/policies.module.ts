import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BacktestService } from './backtest.service';
import { HistogramRollupService } from './histogram-rollup.service';
import { PolicyVersion } from './entities/policy-version.entity';
import { PoliciesController } from './policies.controller';
import { PoliciesService } from './policies.service';
import { ShadowResultsStore } from './shadow-results.store';

@Module({
  imports: [TypeOrmModule.forFeature([PolicyVersion])],
  controllers: [PoliciesController],
  providers: [PoliciesService, BacktestService, HistogramRollupService, ShadowResultsStore],
  exports: [PoliciesService, HistogramRollupService, ShadowResultsStore],
})
export class PoliciesModule {}
