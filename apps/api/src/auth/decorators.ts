import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, Role } from './roles';

export const PUBLIC_KEY = 'sieve:public';
export const ROLE_KEY = 'sieve:role';

/** Open to anyone (health, login). Every other route must name a role: deny by default. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The least role allowed; higher roles are allowed too. */
export const RequireRole = (role: Role) => SetMetadata(ROLE_KEY, role);

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
