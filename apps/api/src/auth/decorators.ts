import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { Principal, Role } from './roles';

export const PUBLIC_KEY = 'sieve:public';
export const ROLE_KEY = 'sieve:role';

/** Open to anyone (health, login). Every other route must name a role: deny by default. */
export const Public = () =>
  applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension('x-sieve-min-role', 'public'));

/** The least role allowed; higher roles are allowed too. */
export const RequireRole = (role: Role) =>
  applyDecorators(
    SetMetadata(ROLE_KEY, role),
    ApiExtension('x-sieve-min-role', role),
    ApiSecurity('session'),
    ApiSecurity('token'),
  );

export const PEOPLE_ONLY_KEY = 'sieve:people-only';

/**
 * Account administration (users, tokens, passwords): signed-in people only, so a leaked token
 * cannot mint more tokens or accounts, or outlive its own revocation through a new one.
 */
export const PeopleOnly = () =>
  applyDecorators(SetMetadata(PEOPLE_ONLY_KEY, true), ApiExtension('x-sieve-people-only', true));

export const ACCOUNT_SETUP_KEY = 'sieve:account-setup';

/**
 * Open to a user who must first choose their own password (an admin set theirs) or set up a
 * second factor (their role requires one): who am I, those two, and sign out. Every other route
 * refuses them with 403 `password_change_required` or `second_factor_setup_required`.
 */
export const AllowedDuringAccountSetup = () =>
  applyDecorators(
    SetMetadata(ACCOUNT_SETUP_KEY, true),
    ApiExtension('x-sieve-during-account-setup', true),
  );

export interface AuthenticatedRequest {
  principal?: Principal;
  ip?: string;
}

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => {
    const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new Error('CurrentPrincipal used on a public route');
    return principal;
  },
);

/** The client's address, as Express resolved it (honouring TRUST_PROXY). */
export const ClientIp = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().ip ?? 'unknown',
);
