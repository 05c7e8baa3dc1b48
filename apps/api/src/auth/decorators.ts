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

export const BEFORE_OWN_PASSWORD_KEY = 'sieve:before-own-password';

/**
 * Open to a user whose password an admin set and who has not chosen their own yet (who am I,
 * change password, sign out). Every other route refuses them with 403 `password_change_required`.
 */
export const AllowedBeforeOwnPassword = () =>
  applyDecorators(
    SetMetadata(BEFORE_OWN_PASSWORD_KEY, true),
    ApiExtension('x-sieve-before-own-password', true),
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
