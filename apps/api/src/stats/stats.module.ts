import { Module } from '@nestjs/common';
import { QueueMetrics } from './queue-metrics';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

@Module({ controllers: [StatsController], providers: [StatsService, QueueMetrics] })
export class StatsModule {}
