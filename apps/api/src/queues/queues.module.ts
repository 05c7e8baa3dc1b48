import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';
import { RoutingProvider } from './routing-provider';
import { RoutingService } from './routing.service';

/** Queues, who works in them, and the routing rules that fill them. */
@Module({
  imports: [AuthModule],
  controllers: [QueuesController],
  providers: [QueuesService, RoutingService, RoutingProvider],
  exports: [QueuesService, RoutingProvider],
})
export class QueuesModule {}
