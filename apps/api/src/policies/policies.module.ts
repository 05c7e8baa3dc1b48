import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BacktestService } from './backtest.service';
import { HistogramRollupService } from './histogram-rollup.service';
import { PolicyVersion } from './entities/policy-version.entity';
import { PoliciesController } from './policies.controller';
import { PoliciesService } from './policies.service';
import { PolicyProvider } from './policy-provider';
import { ShadowResultsStore } from './shadow-results.store';

@Module({
  imports: [TypeOrmModule.forFeature([PolicyVersion])],
  controllers: [PoliciesController],
  providers: [
    PoliciesService,
    PolicyProvider,
    BacktestService,
    HistogramRollupService,
    ShadowResultsStore,
  ],
  exports: [PolicyProvider, HistogramRollupService, ShadowResultsStore],
})
export class PoliciesModule {}
