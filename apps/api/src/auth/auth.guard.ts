import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiTokensService } from '../tokens/api-tokens.service';
import { PEOPLE_ONLY_KEY, PUBLIC_KEY, ROLE_KEY } from './decorators';
import { hasRole, type Principal, type Role } from './roles';
import { SessionsService } from './sessions.service';

export const SESSION_COOKIE = 'sieve_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route is closed unless it says otherwise: @Public() opens it, @RequireRole(role) admits
 * that role and above, and a route with neither is refused. Cookie-authenticated writes must
 * echo the session's CSRF token; API tokens (Authorization: Bearer) need none, and never reach a
 * @PeopleOnly() route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly tokens: ApiTokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = await this.authenticate(request);
    if (!principal) throw new UnauthorizedException('Sign in to continue');
    request.principal = principal;

    const required = this.reflector.getAllAndOverride<Role | undefined>(ROLE_KEY, targets);
    if (!required) throw new ForbiddenException('This route has no access rule');
    if (!hasRole(principal.role, required))
      throw new ForbiddenException(`This needs the ${required} role`);
    if (
      principal.kind === 'token' &&
      this.reflector.getAllAndOverride<boolean>(PEOPLE_ONLY_KEY, targets)
    )
      throw new ForbiddenException('API tokens cannot manage accounts, tokens or passwords');
    if (
      principal.kind === 'user' &&
      !SAFE_METHODS.has(request.method) &&
      request.header(CSRF_HEADER) !== principal.csrfToken
    ) {
      throw new ForbiddenException('Missing or wrong CSRF token');
    }
    return true;
  }

  private async authenticate(request: Request): Promise<Principal | null> {
    const authorization = request.header('authorization');
    if (authorization?.startsWith('Bearer '))
      return this.tokens.resolve(authorization.slice('Bearer '.length).trim());
    const cookie = (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    return cookie ? this.sessions.resolve(cookie) : null;
  }
}
