import { IsIn, IsISO8601 } from 'class-validator';
import { Omittable } from '../common/validation';

export class TransparencyQuery {
  @IsISO8601()
  from!: string;

  @IsISO8601()
  to!: string;

  @Omittable()
  @IsIn(['day', 'week', 'month'])
  period?: 'day' | 'week' | 'month';

  @Omittable()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
