import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  DEAD_LETTER_REASONS,
  type DeadLetterReplayDto,
  type DeadLetterSurveyDto,
} from '@sieve/contracts';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsISO8601 } from 'class-validator';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { Omittable } from '../common/validation';
import { DeadLetters } from './dead-letters.service';

export class ReplayDeadLettersDto {
  /** The reasons whose dead letters go back: a replay names what was fixed. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DEAD_LETTER_REASONS.length)
  @IsIn(DEAD_LETTER_REASONS, { each: true })
  reasons!: string[];

  /** Only those that failed at or after this. */
  @Omittable()
  @IsISO8601()
  since?: string;

  /** Count what would go back, send nothing. */
  @Omittable()
  @IsBoolean()
  dryRun?: boolean;
}

@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetters) {}

  /** What the dead-letter topic holds, per reason (reads the whole topic: a few seconds). */
  @Get()
  @RequireRole('admin')
  survey(): Promise<DeadLetterSurveyDto> {
    return this.deadLetters.survey();
  }

  /** Sends the dead letters of the named reasons back to their topic; audited unless a dry run. */
  @Post('replay')
  @HttpCode(HttpStatus.OK)
  @RequireRole('admin')
  replay(
    @Body() body: ReplayDeadLettersDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<DeadLetterReplayDto> {
    return this.deadLetters.replay(
      {
        reasons: body.reasons,
        since: body.since ? new Date(body.since) : undefined,
        dryRun: body.dryRun ?? false,
      },
      actor,
      ip,
    );
  }
}
