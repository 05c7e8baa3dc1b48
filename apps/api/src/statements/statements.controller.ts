import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { statementsCsv } from './statements-csv';
import {
  EditStatementDto,
  ExportStatementsQuery,
  ListStatementsQuery,
  type StatementBacklogDto,
  type StatementDto,
} from './statements.dto';
import { StatementsService } from './statements.service';

@Controller('statements')
export class StatementsController {
  constructor(private readonly statements: StatementsService) {}

  /** One item's statements of reasons, oldest first. */
  @Get()
  @RequireRole('viewer')
  list(@Query() query: ListStatementsQuery): Promise<StatementDto[]> {
    return this.statements.forFlag(query.flagId);
  }

  /** Submission to the Transparency Database: what waits, what was refused and why. */
  @Get('backlog')
  @RequireRole('viewer')
  backlog(): Promise<StatementBacklogDto> {
    return this.statements.backlog();
  }

  /** Final statements by the time they became final, as JSON or CSV (a download). */
  @Get('export')
  @RequireRole('policy_admin')
  async export(
    @Query() query: ExportStatementsQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StatementDto[] | string> {
    const rows = await this.statements.export(
      new Date(query.from),
      new Date(query.to),
      query.limit ?? 10_000,
    );
    if (query.format !== 'csv') return rows;
    const name = `statements-${query.from.slice(0, 10)}-${query.to.slice(0, 10)}.csv`;
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', `attachment; filename="${name}"`);
    return statementsCsv(rows);
  }

  /** Rewrites the drafted facts while the statement is a draft. */
  @Patch(':id')
  @RequireRole('reviewer')
  edit(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: EditStatementDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<StatementDto> {
    return this.statements.editFacts(id, body.decisionFacts, actor, ip);
  }

  /** Final now: the author's notice goes out and submission is due. */
  @Post(':id/finalize')
  @HttpCode(HttpStatus.OK)
  @RequireRole('reviewer')
  finalize(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<StatementDto> {
    return this.statements.finalize(id, actor, ip);
  }
}
