import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import type { GoldenItemDto } from '@sieve/contracts';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { MarkGoldenDto } from './dto/golden.dto';
import { QualityService } from './quality.service';

/** Golden items: policy admins' business (reviewers must not know which items are golden). */
@Controller('golden')
export class QualityController {
  constructor(private readonly quality: QualityService) {}

  @Get()
  @RequireRole('policy_admin')
  list(): Promise<GoldenItemDto[]> {
    return this.quality.listGolden();
  }

  @Post()
  @RequireRole('policy_admin')
  mark(
    @Body() body: MarkGoldenDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<GoldenItemDto> {
    return this.quality.markGolden(body, actor, ip);
  }

  @Delete(':id')
  @RequireRole('policy_admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  retire(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    return this.quality.retireGolden(id, actor, ip);
  }
}
