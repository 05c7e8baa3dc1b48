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
}

/** An admin sets a new password for someone who lost theirs. */
export class ResetPasswordDto {
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(256)
  password!: string;
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
