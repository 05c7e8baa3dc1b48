import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import type { JudgeEvaluationDto, JudgingStatusDto } from '@sieve/contracts';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { ParsePositiveIntPipe } from '../common/validation';
import { EvaluateDto } from './judging.dto';
import { JudgeEvaluationService } from './judge-evaluation.service';
import { JudgingService } from './judging.service';

@Controller()
export class JudgingController {
  constructor(
    private readonly judging: JudgingService,
    private readonly evaluations: JudgeEvaluationService,
  ) {}

  /** The judge in use, today's spend against the budget, the rate cap, and the backlog. */
  @Get('judging/status')
  @RequireRole('viewer')
  status(): Promise<JudgingStatusDto> {
    return this.judging.status();
  }

  /**
   * Judges the category's evaluation set and keeps the result for its rule version: now, or with
   * `viaBatchApi` in one Batch API job (answered at once as `running`; the list shows it finish).
   */
  @Post('policies/:version/custom-categories/:name/evaluations')
  @HttpCode(HttpStatus.CREATED)
  @RequireRole('policy_admin')
  evaluate(
    @Param('version', ParsePositiveIntPipe) version: number,
    @Param('name') name: string,
    @Body() body: EvaluateDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<JudgeEvaluationDto> {
    return this.evaluations.evaluate(version, name, actor, ip, body.viaBatchApi ?? false);
  }

  @Get('policies/custom-categories/:name/evaluations')
  @RequireRole('viewer')
  list(@Param('name') name: string): Promise<JudgeEvaluationDto[]> {
    return this.evaluations.list(name);
  }
}
