import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { MAX_APPEAL_STATEMENT_CHARS } from '@sieve/moderation';
import { APPEAL_OUTCOMES, APPEAL_STATUSES, type AppealStatus } from '@sieve/contracts';
import type { AppealOutcome } from '@sieve/moderation';
import { PageCursor, PageLimit } from '../common/pagination';
import { Transform } from 'class-transformer';
import { Omittable } from '../common/validation';

/** Surrounding whitespace is not part of an id or a statement (as on the appeals topic). */
const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** The same fields and limits as a message on the appeals topic (appealSubmissionSchema). */
export class SubmitAppealDto {
  @Trim()
  @IsString()
  @Length(1, 256)
  appealId!: string;

  @Trim()
  @IsString()
  @Length(1, 128)
  source!: string;

  @Trim()
  @IsString()
  @Length(1, 256)
  eventId!: string;

  @Trim()
  @IsString()
  @Length(1, MAX_APPEAL_STATEMENT_CHARS)
  statement!: string;
}

export class DecideAppealDto {
  @IsIn(APPEAL_OUTCOMES)
  outcome!: AppealOutcome;

  /** Shown to the author through the platform: say why. */
  @Trim()
  @IsString()
  @Length(1, 1000)
  reason!: string;
}

export class ListAppealsQuery {
  @Omittable()
  @IsIn(APPEAL_STATUSES)
  status?: AppealStatus;

  /** One item's appeals, every status, oldest first (for its history); `status` is ignored. */
  @Omittable()
  @IsUUID()
  flagId?: string;

  @PageLimit()
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export type { AppealDto, AppealPageDto, AppealReceiptDto } from '@sieve/contracts';
