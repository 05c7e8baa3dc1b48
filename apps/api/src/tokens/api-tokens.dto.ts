import { IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { ROLES, type Role } from '../auth/roles';

export class CreateApiTokenDto {
  @IsString()
  @Length(1, 100)
  name!: string;

  @IsIn(ROLES)
  role!: Role;

  @IsOptional()
  @IsISO8601()
  expiresAt?: string;
}

export type { ApiTokenDto } from '@sieve/contracts';
