import { Transform, Type } from 'class-transformer';
import { PageCursor, PageLimit } from '../../common/pagination';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNumber,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { QUEUE_ID_PATTERN } from '@sieve/moderation';
import { FLAG_SORTS, FLAG_STATUSES, type FlagSort, type FlagStatus } from '@sieve/contracts';
import { Omittable } from '../../common/validation';

/** Filters shared by the queue and its counts. */
export class FlagFiltersQuery {
  /** A queue's id (GET /api/queues). */
  @Omittable()
  @Matches(QUEUE_ID_PATTERN, { message: 'queue must be a queue id such as "default"' })
  queue?: string;

  @Omittable()
  @IsString()
  @Matches(/^[a-z0-9_/-]{1,64}$/, { message: 'category must be a category name such as "pii"' })
  category?: string;

  @Omittable()
  @IsString()
  @Length(1, 128)
  source?: string;

  @Omittable()
  @IsString()
  @Length(1, 256)
  authorId?: string;

  @Omittable()
  @Matches(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, {
    message: 'lang must be a language tag such as "en"',
  })
  lang?: string;

  /** Words the post must contain (case-insensitive). */
  @Omittable()
  @IsString()
  @Length(1, 200)
  q?: string;

  /** Highest triggered score, at least / at most. */
  @Omittable()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  minScore?: number;

  @Omittable()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  maxScore?: number;

  /** Flagged at or after / before. */
  @Omittable()
  @IsISO8601()
  from?: string;

  @Omittable()
  @IsISO8601()
  to?: string;
}

export class ListFlagsQuery extends FlagFiltersQuery {
  @Omittable()
  @IsIn(FLAG_STATUSES)
  status?: FlagStatus;

  /** newest (default), oldest, severity (highest score first), or repeat_offenders (authors at a strike level first, oldest first within). */
  @Omittable()
  @IsIn(FLAG_SORTS)
  sort?: FlagSort;

  @PageLimit()
  limit?: number;

  /** true: flags in an open wave are left out (the queue shows each wave as one row, GET /api/waves). */
  @Omittable()
  @Transform(({ value }: { value: unknown }) => value === true || value === 'true')
  @IsBoolean()
  collapseWaves?: boolean;

  /** Opaque: the `nextCursor` of the previous page (for the same sort). */
  @PageCursor()
  cursor?: string;
}

/** "Next item": the queue's filters and order; open by default, escalated for the senior queue. */
export class NextFlagQuery extends FlagFiltersQuery {
  @Omittable()
  @IsIn(['open', 'escalated'])
  status?: 'open' | 'escalated';

  /** oldest (default), newest, severity or repeat_offenders, as in the list. */
  @Omittable()
  @IsIn(FLAG_SORTS)
  sort?: FlagSort;

  /** The flag the reviewer is on now: never handed back as the next one. */
  @Omittable()
  @IsUUID()
  after?: string;
}
