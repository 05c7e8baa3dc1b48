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
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import {
  type AppealDto,
  type AppealPageDto,
  type AppealReceiptDto,
  DecideAppealDto,
  ListAppealsQuery,
  SubmitAppealDto,
} from './appeals.dto';
import { AppealsService } from './appeals.service';

@Controller('appeals')
export class AppealsController {
  constructor(private readonly appeals: AppealsService) {}

  /**
   * The platform submits an author's appeal (usually with an API token). 201 when new; 200 with
   * the same appeal when this appealId was submitted before.
   */
  @Post()
  @RequireRole('reviewer')
  async submit(
    @Body() body: SubmitAppealDto,
    @CurrentPrincipal() submitter: Principal,
    @ClientIp() ip: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AppealReceiptDto> {
    const receipt = await this.appeals.submit(body, submitter, ip);
    if (!receipt.created) response.status(HttpStatus.OK);
    return receipt;
  }

  /** The appeals queue: open ones oldest first; decided ones newest first; or one item's. */
  @Get()
  @RequireRole('viewer')
  async list(@Query() query: ListAppealsQuery): Promise<AppealPageDto> {
    if (query.flagId) return { items: await this.appeals.forFlag(query.flagId), nextCursor: null };
    return this.appeals.list(query.status ?? 'open', query.limit, query.cursor);
  }

  @Get('counts')
  @RequireRole('viewer')
  async counts(): Promise<{ open: number }> {
    return { open: await this.appeals.count('open') };
  }

  @Get(':id')
  @RequireRole('viewer')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<AppealDto> {
    return this.appeals.get(id);
  }

  /** Uphold or overturn; not by the reviewer who made the appealed decision. */
  @Post(':id/decision')
  @HttpCode(HttpStatus.OK)
  @RequireRole('reviewer')
  decide(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: DecideAppealDto,
    @CurrentPrincipal() reviewer: Principal,
    @ClientIp() ip: string,
  ): Promise<AppealDto> {
    return this.appeals.decide(id, reviewer, body, ip);
  }
}
