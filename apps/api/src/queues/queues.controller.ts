import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import type {
  QueueDto,
  QueueMemberDto,
  RoutingPreviewDto,
  RoutingVersionDto,
} from '@sieve/contracts';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import {
  CreateQueueDto,
  PublishRoutingDto,
  RoutingRulesDto,
  UpdateQueueDto,
} from './dto/queue.dto';
import { QueuesService, toDto } from './queues.service';
import { RoutingService } from './routing.service';

@Controller()
export class QueuesController {
  constructor(
    private readonly queues: QueuesService,
    private readonly routing: RoutingService,
  ) {}

  /** The queues the caller is a member of (every queue for policy admins), with what waits. */
  @Get('queues')
  @RequireRole('viewer')
  list(@CurrentPrincipal() who: Principal): Promise<QueueDto[]> {
    return this.queues.list(who);
  }

  /** People who can be made members and leads of queues. */
  @Get('queues/people')
  @RequireRole('policy_admin')
  people(): Promise<QueueMemberDto[]> {
    return this.queues.people();
  }

  /** Who can take and decide the queue's items (for its leads and policy admins, to assign). */
  @Get('queues/:id/members')
  @RequireRole('reviewer')
  members(@Param('id') id: string, @CurrentPrincipal() lead: Principal): Promise<QueueMemberDto[]> {
    return this.queues.members(id, lead);
  }

  @Post('queues')
  @RequireRole('policy_admin')
  async create(
    @Body() body: CreateQueueDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<ReturnType<typeof toDto>> {
    return toDto(await this.queues.create(body, actor, ip));
  }

  @Patch('queues/:id')
  @RequireRole('policy_admin')
  async update(
    @Param('id') id: string,
    @Body() body: UpdateQueueDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<ReturnType<typeof toDto>> {
    return toDto(await this.queues.update(id, body, actor, ip));
  }

  /** Published routing versions, newest (live) first. */
  @Get('routing')
  @RequireRole('viewer')
  versions(): Promise<RoutingVersionDto[]> {
    return this.routing.versions();
  }

  /** How many of the last day's and week's flags each queue would have received. */
  @Post('routing/preview')
  @RequireRole('policy_admin')
  @HttpCode(HttpStatus.OK)
  preview(@Body() body: RoutingRulesDto): Promise<RoutingPreviewDto> {
    return this.routing.preview({ rules: body.rules, qaShares: body.qaShares ?? {} });
  }

  /** Publishes the rules as the next version; new flags are routed by it within seconds. */
  @Post('routing')
  @RequireRole('policy_admin')
  publish(
    @Body() body: PublishRoutingDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<RoutingVersionDto> {
    return this.routing.publish(
      { rules: body.rules, qaShares: body.qaShares ?? {} },
      body.changeNote,
      actor,
      ip,
    );
  }
}
