import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsNumber,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import type { CategoryRule, CustomCategory, PrecedentRule } from '@sieve/moderation';
import { Omittable } from '../../common/validation';

export class CreateDraftDto {
  /** The version to copy; default the live one. */
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  basedOn?: number;
}

/** The rule shapes are checked by PoliciesService (422 naming the field). */
export class UpdateDraftDto {
  @IsObject()
  rules!: Record<string, CategoryRule>;

  @Omittable()
  @IsObject()
  overrides?: Record<string, Record<string, CategoryRule>>;

  /** Checked field by field by PoliciesService (422 naming the field). */
  @Omittable()
  @IsArray()
  customCategories?: CustomCategory[];

  @Omittable()
  @IsNumber()
  grayZone?: number;

  /** Checked by PoliciesService (422 naming the field); null turns it off. */
  @IsOptional()
  @IsObject()
  precedent?: PrecedentRule | null;
}

export class PublishDto {
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  changeNote!: string;
}

export class BacktestRangeQuery {
  @IsISO8601()
  from!: string;

  @IsISO8601()
  to!: string;
}

export class BacktestSamplesDto extends UpdateDraftDto {
  @IsISO8601()
  from!: string;

  @IsISO8601()
  to!: string;
}

export class ShadowDto {
  @IsBoolean()
  enabled!: boolean;
}
