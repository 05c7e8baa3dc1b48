import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { FLAG_STATUSES, type FlagStatus } from '../entities/flag.entity';

export class ListFlagsQuery {
  @IsOptional()
  @IsIn(FLAG_STATUSES)
  status?: FlagStatus;

  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_/-]{1,64}$/, { message: 'category must be a category name such as "pii"' })
  category?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** Opaque: the `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, {
    message: 'cursor must be a nextCursor returned by this endpoint',
  })
  cursor?: string;
}
