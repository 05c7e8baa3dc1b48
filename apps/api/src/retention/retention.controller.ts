import { Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import type { RetentionReportDto, RetentionStatusDto } from '@sieve/contracts';
import { RequireRole } from '../auth/decorators';
import { RetentionService } from './retention.service';

@Controller('retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  /** The retention per kind, the day partitions, and the last runs with what they removed. */
  @Get()
  @RequireRole('admin')
  status(): Promise<RetentionStatusDto> {
    return this.retention.status();
  }

  /** What a run would remove now; changes nothing. 409 while a run is in progress. */
  @Post('dry-run')
  @HttpCode(HttpStatus.OK)
  @RequireRole('admin')
  dryRun(): Promise<RetentionReportDto> {
    return this.retention.dryRun();
  }
}
