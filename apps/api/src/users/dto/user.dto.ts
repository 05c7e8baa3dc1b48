import { IsBoolean, IsEmail, IsIn, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../../auth/passwords';
import { ROLES, type Role } from '../../auth/roles';
import { Omittable } from '../../common/validation';

export class CreateUserDto {
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsString()
  @Length(1, 100)
  displayName!: string;

  @IsIn(ROLES)
  role!: Role;

  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(256)
  password!: string;

  /**
   * Whether its owner must choose their own password at first sign-in (the admin knows this
   * one). Yes unless the body says no.
   */
  @Omittable()
  @IsBoolean()
  mustChangePassword?: boolean;
}

/** An admin sets a new password for someone who lost theirs. */
export class ResetPasswordDto {
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(256)
  password!: string;

  /** Whether they must choose their own password when they sign in with this one (default yes). */
  @Omittable()
  @IsBoolean()
  mustChangePassword?: boolean;
}

export class UpdateUserDto {
  @Omittable()
  @IsString()
  @Length(1, 100)
  displayName?: string;

  @Omittable()
  @IsIn(ROLES)
  role?: Role;

  @Omittable()
  @IsBoolean()
  disabled?: boolean;
}

export type { UserDto } from '@sieve/contracts';
