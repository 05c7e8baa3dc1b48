import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { Omittable } from '../common/validation';

export class ListStatementsQuery {
  @IsUUID()
  flagId!: string;
}

export class EditStatementDto {
  /** The database takes at most 5,000 characters; no personal data. */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 5000)
  decisionFacts!: string;
}

export class ExportStatementsQuery {
  @IsISO8601()
  from!: string;

  @IsISO8601()
  to!: string;

  @Omittable()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  limit?: number;
}

export type { StatementBacklogDto, StatementDto } from '@sieve/contracts';
