import { CONTENT_FILTERS, type ContentFilter } from '@sieve/moderation';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsString,
  Length,
  Matches,
  MaxLength,
  MinLength,
  IsObject,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../passwords';
import { Omittable } from '../../common/validation';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Enough for any authenticator's data and signature; far below the body limit. */
const MAX_ENCODED = 16_384;

class ClientDataFields {
  @IsString()
  @MaxLength(MAX_ENCODED)
  @Matches(BASE64URL, { message: '$property must be base64url' })
  clientDataJSON!: string;
}

export class SecurityKeyAssertionResponseDto extends ClientDataFields {
  @IsString()
  @MaxLength(MAX_ENCODED)
  @Matches(BASE64URL, { message: '$property must be base64url' })
  authenticatorData!: string;

  @IsString()
  @MaxLength(MAX_ENCODED)
  @Matches(BASE64URL, { message: '$property must be base64url' })
  signature!: string;

  @Omittable()
  @IsString()
  @MaxLength(512)
  @Matches(BASE64URL, { message: '$property must be base64url' })
  userHandle?: string;
}

export class SecurityKeyAttestationResponseDto extends ClientDataFields {
  @IsString()
  @MaxLength(MAX_ENCODED)
  @Matches(BASE64URL, { message: '$property must be base64url' })
  attestationObject!: string;

  @Omittable()
  @IsString()
  @MaxLength(MAX_ENCODED)
  authenticatorData?: string;

  @Omittable()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  transports?: string[];

  @Omittable()
  @IsInt()
  publicKeyAlgorithm?: number;

  @Omittable()
  @IsString()
  @MaxLength(MAX_ENCODED)
  publicKey?: string;
}

/** What the browser's WebAuthn call gives, as JSON (`PublicKeyCredential.toJSON()`). */
class SecurityKeyCredentialDto {
  @IsString()
  @Length(1, 1024)
  @Matches(BASE64URL, { message: '$property must be base64url' })
  id!: string;

  @IsString()
  @Length(1, 1024)
  @Matches(BASE64URL, { message: '$property must be base64url' })
  rawId!: string;

  @IsIn(['public-key'])
  type!: 'public-key';

  @Omittable()
  @IsIn(['platform', 'cross-platform'])
  authenticatorAttachment?: 'platform' | 'cross-platform';

  @IsObject()
  clientExtensionResults!: Record<string, unknown>;
}

/** A key signing a sign-in's challenge. */
export class SecurityKeyAssertionDto extends SecurityKeyCredentialDto {
  @ValidateNested()
  @Type(() => SecurityKeyAssertionResponseDto)
  response!: SecurityKeyAssertionResponseDto;
}

/** A key just made by the browser, with the name its owner gives it. */
export class SecurityKeyAttestationDto extends SecurityKeyCredentialDto {
  @ValidateNested()
  @Type(() => SecurityKeyAttestationResponseDto)
  response!: SecurityKeyAttestationResponseDto;
}

/** A passkey sign-in: the key's answer alone says who it is. */
export class PasskeyLoginDto {
  @ValidateNested()
  @Type(() => SecurityKeyAssertionDto)
  credential!: SecurityKeyAssertionDto;
}

export class LoginDto {
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;

  /**
   * For an account with a second factor: the 6 digits its authenticator app shows, or one of its
   * recovery codes. Without it such an account is answered 401 `second_factor_required`.
   */
  @Omittable()
  @IsString()
  @MaxLength(32)
  code?: string;

  /** Or a security key's answer to the challenge that 401 `second_factor_required` gave. */
  @Omittable()
  @ValidateNested()
  @Type(() => SecurityKeyAssertionDto)
  securityKey?: SecurityKeyAssertionDto;
}

/** The first code from an authenticator app being set up. */
export class SecondFactorCodeDto {
  @IsString()
  @MaxLength(32)
  code!: string;
}

/** Turning the second factor off, or new recovery codes: the password again. */
export class PasswordConfirmationDto {
  @IsString()
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

/** At most 64 categories, each a category-like name with one of the filters. */
@ValidatorConstraint({ name: 'contentFilters' })
class ContentFiltersRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
    const entries = Object.entries(value);
    return (
      entries.length <= 64 &&
      entries.every(
        ([category, filter]) =>
          /^[a-z0-9_]{1,64}$/.test(category) &&
          (CONTENT_FILTERS as readonly unknown[]).includes(filter),
      )
    );
  }

  defaultMessage(): string {
    return `contentFilters must map category names to one of: ${CONTENT_FILTERS.join(', ')}`;
  }
}

export class PreferencesDto {
  @Omittable()
  @IsBoolean()
  blurSensitive?: boolean;

  /** Replaces the whole list (at most 20). */
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SavedViewInput)
  savedViews?: SavedViewInput[];

  /**
   * Replaces the whole map: category name → show, greyscale, blur or warn. A category left out
   * follows `blurSensitive`.
   */
  @Omittable()
  @IsObject()
  @Validate(ContentFiltersRule)
  contentFilters?: Record<string, ContentFilter>;
}

export type { SessionDto } from '@sieve/contracts';

export class AddSecurityKeyDto {
  /** Shown in the list, so the owner knows which key to remove when one is lost. */
  @IsString()
  @Length(1, 60)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ValidateNested()
  @Type(() => SecurityKeyAttestationDto)
  credential!: SecurityKeyAttestationDto;
}
