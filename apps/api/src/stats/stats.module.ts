import { Module } from '@nestjs/common';
import { QualityModule } from '../quality/quality.module';
import { QueuesModule } from '../queues/queues.module';
import { QueueMetrics } from './queue-metrics';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

@Module({
  imports: [QualityModule, QueuesModule],
  controllers: [StatsController],
  providers: [StatsService, QueueMetrics],
})
export class StatsModule {}
