import { Controller, Get, Query } from '@nestjs/common';
import type { StatsDto } from '@sieve/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { RequireRole } from '../auth/decorators';
import { StatsService } from './stats.service';

export class StatsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  days?: number;
}

@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @RequireRole('viewer')
  get(@Query() query: StatsQuery): Promise<StatsDto> {
    return this.stats.stats(query.days ?? 14);
  }
}
