import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import type {
  BacktestDataDto,
  BacktestSamplesDto as SamplesResult,
  PolicyVersionDto,
  ShadowReportDto,
} from '@sieve/contracts';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { ParsePositiveIntPipe } from '../common/validation';
import { BacktestService } from './backtest.service';
import {
  BacktestRangeQuery,
  BacktestSamplesDto,
  CreateDraftDto,
  PublishDto,
  ShadowDto,
  UpdateDraftDto,
} from './dto/policy.dto';
import { PoliciesService } from './policies.service';

@Controller('policies')
export class PoliciesController {
  constructor(
    private readonly policies: PoliciesService,
    private readonly backtest: BacktestService,
  ) {}

  @Get()
  @RequireRole('viewer')
  list(): Promise<PolicyVersionDto[]> {
    return this.policies.list();
  }

  @Get('backtest-data')
  @RequireRole('policy_admin')
  backtestData(@Query() query: BacktestRangeQuery): Promise<BacktestDataDto> {
    return this.backtest.data(new Date(query.from), new Date(query.to));
  }

  @Post('backtest/samples')
  @HttpCode(HttpStatus.OK)
  @RequireRole('policy_admin')
  samples(@Body() body: BacktestSamplesDto): Promise<SamplesResult> {
    return this.backtest.samples(body, new Date(body.from), new Date(body.to));
  }

  @Get(':version')
  @RequireRole('viewer')
  get(@Param('version', ParsePositiveIntPipe) version: number): Promise<PolicyVersionDto> {
    return this.policies.get(version);
  }

  @Post('drafts')
  @RequireRole('policy_admin')
  async createDraft(
    @Body() body: CreateDraftDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<PolicyVersionDto> {
    return this.policies.get(await this.policies.createDraft(body.basedOn, actor, ip));
  }

  @Patch('drafts/:version')
  @RequireRole('policy_admin')
  async updateDraft(
    @Param('version', ParsePositiveIntPipe) version: number,
    @Body() body: UpdateDraftDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<PolicyVersionDto> {
    await this.policies.updateDraft(version, body, actor, ip);
    return this.policies.get(version);
  }

  @Delete('drafts/:version')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequireRole('policy_admin')
  discardDraft(
    @Param('version', ParsePositiveIntPipe) version: number,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    return this.policies.discardDraft(version, actor, ip);
  }

  @Post('drafts/:version/publish')
  @HttpCode(HttpStatus.OK)
  @RequireRole('policy_admin')
  async publish(
    @Param('version', ParsePositiveIntPipe) version: number,
    @Body() body: PublishDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<PolicyVersionDto> {
    await this.policies.publish(version, body.changeNote, actor, ip);
    return this.policies.get(version);
  }

  @Post('drafts/:version/shadow')
  @HttpCode(HttpStatus.OK)
  @RequireRole('policy_admin')
  async shadow(
    @Param('version', ParsePositiveIntPipe) version: number,
    @Body() body: ShadowDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<PolicyVersionDto> {
    await this.policies.setShadow(version, body.enabled, actor, ip);
    return this.policies.get(version);
  }

  @Get(':version/shadow')
  @RequireRole('viewer')
  shadowReport(@Param('version', ParsePositiveIntPipe) version: number): Promise<ShadowReportDto> {
    return this.policies.shadowReport(version);
  }

  @Post(':version/rollback')
  @HttpCode(HttpStatus.OK)
  @RequireRole('policy_admin')
  async rollback(
    @Param('version', ParsePositiveIntPipe) version: number,
    @Body() body: PublishDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<PolicyVersionDto> {
    return this.policies.get(await this.policies.rollback(version, body.changeNote, actor, ip));
  }
}
