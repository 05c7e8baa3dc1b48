import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import type { TransparencyReportDto } from '@sieve/contracts';
import type { Response } from 'express';
import { RequireRole } from '../auth/decorators';
import { TransparencyQuery } from './transparency.dto';
import { transparencyCsv, TransparencyService } from './transparency.service';

/** Longest range one report covers: ten years of months, or a year and a half of days. */
const MAX_BUCKETS = 550;
const PERIOD_DAYS = { day: 1, week: 7, month: 28 } as const;

@Controller('reports')
export class TransparencyController {
  constructor(private readonly transparency: TransparencyService) {}

  /** Decisions by period, category, action and automation, and appeals; JSON or CSV (a download). */
  @Get('transparency')
  @RequireRole('viewer')
  async report(
    @Query() query: TransparencyQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TransparencyReportDto | string> {
    const from = new Date(query.from);
    const to = new Date(query.to);
    const period = query.period ?? 'month';
    if (
      from >= to ||
      (to.getTime() - from.getTime()) / 86_400_000 / PERIOD_DAYS[period] > MAX_BUCKETS
    )
      throw new BadRequestException({
        message: 'Validation failed',
        details: [
          {
            field: 'from',
            errors: [`from must be before to, and the range at most ${MAX_BUCKETS} ${period}s`],
          },
        ],
      });
    const report = await this.transparency.report(from, to, period);
    if (query.format !== 'csv') return report;
    const name = `transparency-${query.from.slice(0, 10)}-${query.to.slice(0, 10)}-${period}.csv`;
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', `attachment; filename="${name}"`);
    return transparencyCsv(report);
  }
}
