import { IsIn, IsISO8601, IsOptional } from 'class-validator';

export class TransparencyQuery {
  @IsISO8601()
  from!: string;

  @IsISO8601()
  to!: string;

  @IsOptional()
  @IsIn(['day', 'week', 'month'])
  period?: 'day' | 'week' | 'month';

  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
