import { IsIn, IsISO8601, IsString, Length } from 'class-validator';
import { ROLES, type Role } from '../auth/roles';
import { Omittable } from '../common/validation';

export class CreateApiTokenDto {
  @IsString()
  @Length(1, 100)
  name!: string;

  @IsIn(ROLES)
  role!: Role;

  @Omittable()
  @IsISO8601()
  expiresAt?: string;
}

export type { ApiTokenDto } from '@sieve/contracts';
