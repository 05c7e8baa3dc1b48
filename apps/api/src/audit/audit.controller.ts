import { Controller, Get, Query } from '@nestjs/common';
import { RequireRole } from '../auth/decorators';
import { AuditService } from './audit.service';
import type { AuditPageDto } from '@sieve/contracts';
import { ListAuditQuery } from './dto/list-audit.query';

/** Read-only by design: the audit log has no update or delete route. */
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireRole('admin')
  list(@Query() query: ListAuditQuery): Promise<AuditPageDto> {
    return this.audit.list(query);
  }
}
