import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  type MessageEvent,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import { interval, map, merge, type Observable } from 'rxjs';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import { LiveStreamsService } from '../auth/live-streams.service';
import type { Principal } from '../auth/roles';
import type {
  BulkResultDto,
  ClaimDto,
  DecisionResultDto,
  FlagContextDto,
  FlagCountsDto,
  FlagDetailDto,
  FlagPageDto,
  NextFlagDto,
  NoteDto,
} from '@sieve/contracts';
import { FlagFiltersQuery, ListFlagsQuery, NextFlagQuery } from './dto/list-flags.query';
import { AssignFlagDto, MoveFlagDto } from '../queues/dto/queue.dto';
import { AddNoteDto, BulkDecideDto, DecideFlagDto } from './dto/review.dto';
import { FlagEventsService } from './flag-events.service';
import { FlagsService } from './flags.service';
import { ReviewService } from './review.service';

const FlagId = () => new ParseUUIDPipe();

@Controller('flags')
export class FlagsController {
  constructor(
    private readonly flags: FlagsService,
    private readonly review: ReviewService,
    private readonly flagEvents: FlagEventsService,
    private readonly liveStreams: LiveStreamsService,
  ) {}

  /**
   * Live updates for the queue: `flag.created` and `flag.updated` events, and a keep-alive. The
   * stream ends with the session that opened it; a person may hold a few at once (429 beyond).
   */
  @Sse('events')
  @RequireRole('viewer')
  events(@CurrentPrincipal() who: Principal): Observable<MessageEvent> {
    return this.liveStreams.guard(
      who,
      merge(
        this.flagEvents.events.pipe(map((event) => ({ type: event.type, data: event }))),
        interval(25_000).pipe(map(() => ({ type: 'ping', data: {} }))),
      ),
    );
  }

  @Get()
  @RequireRole('viewer')
  list(@Query() query: ListFlagsQuery): Promise<FlagPageDto> {
    return this.flags.list(query);
  }

  @Get('counts')
  @RequireRole('viewer')
  counts(@Query() query: FlagFiltersQuery): Promise<FlagCountsDto> {
    return this.flags.counts(query);
  }

  @Get(':id/context')
  @RequireRole('viewer')
  context(@Param('id', FlagId()) id: string): Promise<FlagContextDto> {
    return this.flags.context(id);
  }

  @Get(':id')
  @RequireRole('viewer')
  get(@Param('id', FlagId()) id: string): Promise<FlagDetailDto> {
    return this.flags.get(id);
  }

  /** Opening a flag claims it for CLAIM_LEASE_SECONDS; calling again renews the lease. */
  @Post(':id/claim')
  @RequireRole('reviewer')
  claim(
    @Param('id', FlagId()) id: string,
    @CurrentPrincipal() reviewer: Principal,
    @ClientIp() ip: string,
  ): Promise<ClaimDto> {
    return this.review.claim(id, reviewer, ip);
  }

  @Delete(':id/claim')
  @RequireRole('reviewer')
  @HttpCode(HttpStatus.NO_CONTENT)
  release(
    @Param('id', FlagId()) id: string,
    @CurrentPrincipal() reviewer: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    return this.review.release(id, reviewer, ip);
  }

  @Post(':id/decision')
  @RequireRole('reviewer')
  decide(
    @Param('id', FlagId()) id: string,
    @Body() body: DecideFlagDto,
    @CurrentPrincipal() reviewer: Principal,
    @ClientIp() ip: string,
  ): Promise<DecisionResultDto> {
    return this.review.decide(id, reviewer, body, ip);
  }

  @Post(':id/decision/undo')
  @RequireRole('reviewer')
  @HttpCode(HttpStatus.OK)
  undo(
    @Param('id', FlagId()) id: string,
    @CurrentPrincipal() reviewer: Principal,
    @ClientIp() ip: string,
  ): Promise<{ status: string }> {
    return this.review.undo(id, reviewer, ip);
  }

  @Post(':id/notes')
  @RequireRole('reviewer')
  addNote(
    @Param('id', FlagId()) id: string,
    @Body() body: AddNoteDto,
    @CurrentPrincipal() author: Principal,
    @ClientIp() ip: string,
  ): Promise<NoteDto> {
    return this.review.addNote(id, author, body.text, ip);
  }

  /**
   * "Next item": claims the next flag of the queue (its filters and order) for the reviewer.
   * Concurrent reviewers, on any replicas, always get different flags. `flagId` null: empty.
   */
  @Post('next')
  @RequireRole('reviewer')
  @HttpCode(HttpStatus.OK)
  async next(
    @Query() query: NextFlagQuery,
    @CurrentPrincipal() reviewer: Principal,
    @ClientIp() ip: string,
  ): Promise<NextFlagDto> {
    const claimed = await this.review.next(query, reviewer, ip);
    if (!claimed) return { flagId: null, claim: null };
    const { flagId, ...claim } = claimed;
    return { flagId, claim };
  }

  /** Moves an undecided flag to another queue (its queue's leads and policy admins; audited). */
  @Post(':id/queue')
  @RequireRole('reviewer')
  @HttpCode(HttpStatus.OK)
  move(
    @Param('id', FlagId()) id: string,
    @Body() body: MoveFlagDto,
    @CurrentPrincipal() who: Principal,
    @ClientIp() ip: string,
  ): Promise<{ queue: string }> {
    return this.review.move(id, who, body, ip);
  }

  /** A queue lead gives an undecided flag to a member: it is claimed for them (audited). */
  @Post(':id/assignment')
  @RequireRole('reviewer')
  @HttpCode(HttpStatus.OK)
  assign(
    @Param('id', FlagId()) id: string,
    @Body() body: AssignFlagDto,
    @CurrentPrincipal() lead: Principal,
    @ClientIp() ip: string,
  ): Promise<ClaimDto> {
    return this.review.assign(id, lead, body.userId, ip);
  }

  /** Each flag is decided on its own with the single-flag rules; the answer lists every outcome. */
  @Post('bulk-decision')
  @RequireRole('reviewer')
  @HttpCode(HttpStatus.OK)
  bulkDecide(
    @Body() body: BulkDecideDto,
    @CurrentPrincipal() reviewer: Principal,
    @ClientIp() ip: string,
  ): Promise<BulkResultDto[]> {
    const { ids, ...decision } = body;
    return this.review.bulkDecide(ids, reviewer, decision, ip);
  }
}
