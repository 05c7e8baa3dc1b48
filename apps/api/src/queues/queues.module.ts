import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { QueueCounts } from './queue-counts';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';
import { RoutingProvider } from './routing-provider';
import { RoutingService } from './routing.service';

/** Queues, who works in them, and the routing rules that fill them. */
@Module({
  imports: [AuthModule],
  controllers: [QueuesController],
  providers: [QueuesService, QueueCounts, RoutingService, RoutingProvider],
  exports: [QueuesService, QueueCounts, RoutingProvider],
})
export class QueuesModule {}
