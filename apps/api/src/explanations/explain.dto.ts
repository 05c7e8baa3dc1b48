import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

export class ExplainDto {
  /** A follow-up question on the stored explanation. */
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  question?: string;

  /** Ask again instead of reusing the stored explanation. */
  @IsOptional()
  @IsBoolean()
  regenerate?: boolean;
}
