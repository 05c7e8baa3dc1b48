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
import { ClientIp, CurrentPrincipal, PeopleOnly, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { type ApiTokenDto, CreateApiTokenDto } from './api-tokens.dto';
import { ApiTokensService } from './api-tokens.service';

@Controller('tokens')
@RequireRole('admin')
@PeopleOnly()
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Get()
  list(): Promise<ApiTokenDto[]> {
    return this.tokens.list();
  }

  /** The token itself is in this response only; Sieve keeps just its hash. */
  @Post()
  create(
    @Body() body: CreateApiTokenDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<ApiTokenDto & { token: string }> {
    return this.tokens.create(body, actor, ip);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    return this.tokens.revoke(id, actor, ip);
  }
}
