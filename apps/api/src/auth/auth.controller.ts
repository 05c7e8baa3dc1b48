import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Patch,
  Post,
  Req,
  Res,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { UsersService, toDto } from '../users/users.service';
import { assertStrongPassword } from './passwords';
import { SESSION_COOKIE, sessionCookieOptions } from './session-cookie';
import { AuthService } from './auth.service';
import {
  AllowedBeforeOwnPassword,
  ClientIp,
  CurrentPrincipal,
  PeopleOnly,
  Public,
  RequireRole,
} from './decorators';
import { ChangePasswordDto, LoginDto, PreferencesDto, type SessionDto } from './dto/auth.dto';
import type { UserDto } from '@sieve/contracts';
import type { Principal } from './roles';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private cookieOptions(expires?: Date): CookieOptions {
    return sessionCookieOptions(this.config, expires);
  }

  @Post('login')
  @Public()
  @HttpCode(HttpStatus.OK)
  async login(
    @Body() body: LoginDto,
    @ClientIp() ip: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionDto> {
    const { user, session } = await this.auth.login(
      body.email,
      body.password,
      ip,
      request.header('user-agent'),
    );
    response.cookie(SESSION_COOKIE, session.token, this.cookieOptions(session.expiresAt));
    return { user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
  }

  @Post('logout')
  @RequireRole('viewer')
  @AllowedBeforeOwnPassword()
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.auth.logout(principal, ip);
    response.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }

  /** Who am I: the dashboard calls it on load. API tokens get their role and no user. */
  @Get('me')
  @RequireRole('viewer')
  @AllowedBeforeOwnPassword()
  async me(
    @CurrentPrincipal() principal: Principal,
  ): Promise<SessionDto | { token: string; role: string }> {
    if (principal.kind === 'token') return { token: principal.label, role: principal.role };
    return {
      user: toDto(await this.users.findById(principal.id)),
      csrfToken: principal.csrfToken ?? '',
    };
  }

  /** The signed-in user's own settings (API tokens have none). */
  @Patch('preferences')
  @RequireRole('viewer')
  @PeopleOnly()
  setPreferences(
    @Body() body: PreferencesDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserDto> {
    return this.users.setPreferences(principal.id, body);
  }

  @Post('password')
  @RequireRole('viewer')
  @PeopleOnly()
  @AllowedBeforeOwnPassword()
  @HttpCode(HttpStatus.NO_CONTENT)
  async changePassword(
    @Body() body: ChangePasswordDto,
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    if (body.newPassword === body.currentPassword) {
      const reason = 'The new password must differ from the current one';
      throw new UnprocessableEntityException({
        message: reason,
        details: [{ field: 'newPassword', errors: [reason] }],
      });
    }
    await assertStrongPassword(body.newPassword, [principal.label], 'newPassword');
    return this.auth.changePassword(principal, body.currentPassword, body.newPassword, ip);
  }
}
