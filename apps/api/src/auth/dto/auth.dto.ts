import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../passwords';

export class LoginDto {
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class ChangePasswordDto {
  @IsString()
  @MaxLength(256)
  currentPassword!: string;

  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(256)
  newPassword!: string;
}

export class SavedViewInput {
  @IsString()
  @Length(1, 60)
  name!: string;

  /** The queue's filters as a query string without `?`: `status=open&category=pii`. */
  @IsString()
  @MaxLength(500)
  @Matches(/^([A-Za-z]+=[^&#?]*(&[A-Za-z]+=[^&#?]*)*)?$/, {
    message: 'query must look like status=open&category=pii',
  })
  query!: string;
}

export class PreferencesDto {
  @IsOptional()
  @IsBoolean()
  blurSensitive?: boolean;

  /** Replaces the whole list (at most 20). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SavedViewInput)
  savedViews?: SavedViewInput[];
}

export type { SessionDto } from '@sieve/contracts';
