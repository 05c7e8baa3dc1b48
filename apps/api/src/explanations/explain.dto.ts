import { IsBoolean, IsString, Length } from 'class-validator';
import { Omittable } from '../common/validation';

export class ExplainDto {
  /** A follow-up question on the stored explanation. */
  @Omittable()
  @IsString()
  @Length(1, 1000)
  question?: string;

  /** Ask again instead of reusing the stored explanation. */
  @Omittable()
  @IsBoolean()
  regenerate?: boolean;
}
