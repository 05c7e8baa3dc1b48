import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import type {
  SimilarPostsDto,
  WaveDecisionResultDto,
  WaveDetailDto,
  WaveSummaryDto,
} from '@sieve/contracts';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { DecideWaveDto, ListWavesQuery, SimilarPostsQuery } from './dto/waves.dto';
import { WavesService } from './waves.service';

const Id = () => new ParseUUIDPipe();

@Controller('waves')
export class WavesController {
  constructor(private readonly waves: WavesService) {}

  /** Open waves, one row each (raised campaigns first, then the biggest); or recent decided ones. */
  @Get()
  @RequireRole('viewer')
  list(@Query() query: ListWavesQuery): Promise<WaveSummaryDto[]> {
    return this.waves.list(query.status);
  }

  /** "Find posts like this": flagged posts nearest in meaning to a text or to a flag's post. */
  @Get('similar')
  @RequireRole('viewer')
  similar(@Query() query: SimilarPostsQuery): Promise<SimilarPostsDto> {
    return this.waves.similar(query);
  }

  @Get(':id')
  @RequireRole('viewer')
  get(@Param('id', Id()) id: string): Promise<WaveDetailDto> {
    return this.waves.get(id);
  }

  /** One decision for every member not excluded: audited once, one message per member. */
  @Post(':id/decision')
  @RequireRole('reviewer')
  @HttpCode(HttpStatus.OK)
  decide(
    @Param('id', Id()) id: string,
    @Body() body: DecideWaveDto,
    @CurrentPrincipal() reviewer: Principal,
    @ClientIp() ip: string,
  ): Promise<WaveDecisionResultDto> {
    return this.waves.decide(id, reviewer, body, ip);
  }

  /** Takes a member out of the wave before it is decided; it waits in the queue on its own. */
  @Post(':id/members/:flagId/exclusion')
  @RequireRole('reviewer')
  @HttpCode(HttpStatus.NO_CONTENT)
  exclude(
    @Param('id', Id()) id: string,
    @Param('flagId', Id()) flagId: string,
    @CurrentPrincipal() who: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    return this.waves.exclude(id, flagId, who, ip);
  }
}
