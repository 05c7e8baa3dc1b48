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

export interface ApiTokenDto {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
