import { Controller, Get, Query } from '@nestjs/common';
import type { StatsDto } from '@sieve/contracts';
import { RequireRole } from '../auth/decorators';
import { StatsQuery } from './stats.query';
import { StatsService } from './stats.service';

@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @RequireRole('viewer')
  get(@Query() query: StatsQuery): Promise<StatsDto> {
    return this.stats.stats(query.days ?? 14);
  }
}
