import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiTokensService } from '../tokens/api-tokens.service';
import { ACCOUNT_SETUP_KEY, PEOPLE_ONLY_KEY, PUBLIC_KEY, ROLE_KEY } from './decorators';
import { hasRole, type Principal, type Role } from './roles';
import { SESSION_COOKIE, sessionCookieOptions } from './session-cookie';
import { SessionsService } from './sessions.service';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route is closed unless it says otherwise: @Public() opens it, @RequireRole(role) admits
 * that role and above, and a route with neither is refused. Cookie-authenticated writes must
 * echo the session's CSRF token; API tokens (Authorization: Bearer) need none, and never reach a
 * @PeopleOnly() route. A user whose password an admin set, or whose role requires a second factor
 * they have not set up, reaches only @AllowedDuringAccountSetup() routes until they do.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly tokens: ApiTokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = await this.authenticate(request);
    if (!principal) throw new UnauthorizedException('Sign in to continue');
    request.principal = principal;
    if (principal.renewedUntil) {
      // The session's idle expiry slid forward: so does the cookie's, or the browser would drop
      // it at the first expiry and sign out someone who is working.
      const token = (request.cookies as Record<string, string>)[SESSION_COOKIE];
      context
        .switchToHttp()
        .getResponse<Response>()
        .cookie(SESSION_COOKIE, token, sessionCookieOptions(this.config, principal.renewedUntil));
    }

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
    if (!this.reflector.getAllAndOverride<boolean>(ACCOUNT_SETUP_KEY, targets)) {
      if (principal.mustChangePassword)
        throw new ForbiddenException({
          message: 'Choose your own password first: an admin set the one you signed in with',
          code: 'password_change_required',
        });
      if (principal.mustSetUpSecondFactor)
        throw new ForbiddenException({
          message: 'Set up a second factor first: your role requires one',
          code: 'second_factor_setup_required',
        });
      if (principal.mustAddSecurityKey)
        throw new ForbiddenException({
          message: 'Add a security key or passkey first: your role signs in with one',
          code: 'security_key_setup_required',
        });
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
