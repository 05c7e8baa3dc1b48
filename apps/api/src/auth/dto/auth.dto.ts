import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import type { UserDto } from '../../users/dto/user.dto';
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

export interface SessionDto {
  user: UserDto;
  /** Send it back in the X-CSRF-Token header on every write. */
  csrfToken: string;
  expiresAt?: string;
}
