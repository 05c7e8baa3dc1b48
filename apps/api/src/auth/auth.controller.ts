import {
  Body,
  Controller,
  Delete,
  Param,
  ParseUUIDPipe,
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
  AllowedDuringAccountSetup,
  ClientIp,
  CurrentPrincipal,
  PeopleOnly,
  Public,
  RequireRole,
} from './decorators';
import {
  AddSecurityKeyDto,
  ChangePasswordDto,
  LoginDto,
  PasskeyLoginDto,
  PasswordConfirmationDto,
  PreferencesDto,
  SecondFactorCodeDto,
  type SessionDto,
} from './dto/auth.dto';
import { SecondFactorService } from './second-factor.service';
import { SecurityKeysService } from './security-keys.service';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type {
  SecondFactorSetupDto,
  SecurityKeyDto,
  SecurityKeysDto,
  SignInMethodsDto,
  SignedInSessionDto,
  UserDto,
} from '@sieve/contracts';
import type { Principal } from './roles';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly secondFactor: SecondFactorService,
    private readonly securityKeys: SecurityKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * What a session says about the second factor: one to set up, a security key to add (in that
   * order), or the recovery codes left.
   */
  private async secondFactorState(
    user: UserDto,
  ): Promise<
    Pick<SessionDto, 'mustSetUpSecondFactor' | 'mustAddSecurityKey' | 'recoveryCodesLeft'>
  > {
    if (!user.secondFactorEnabled)
      return {
        mustSetUpSecondFactor: this.config.SECOND_FACTOR_REQUIRED_ROLES.includes(user.role),
        mustAddSecurityKey: false,
      };
    return {
      mustSetUpSecondFactor: false,
      mustAddSecurityKey:
        this.securityKeys.requiredFor(user.role) && (await this.securityKeys.count(user.id)) === 0,
      recoveryCodesLeft: await this.secondFactor.recoveryCodesLeft(user.id),
    };
  }

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
    const signedIn = await this.auth.login(
      body.email,
      body.password,
      ip,
      request.header('user-agent'),
      { code: body.code, securityKey: body.securityKey },
    );
    return this.startSession(signedIn, response);
  }

  /** How one may sign in here, for the sign-in page: a passkey only where the server takes keys. */
  @Get('sign-in-methods')
  @Public()
  signInMethods(): SignInMethodsDto {
    return { password: true, passkey: this.securityKeys.available };
  }

  /**
   * A challenge for a passkey sign-in (no e-mail, no password): pass it to the browser's
   * WebAuthn call (`navigator.credentials.get`). 409 `security_keys_unavailable` where the server
   * has no WEBAUTHN_ORIGINS.
   */
  @Post('passkey/options')
  @Public()
  @HttpCode(HttpStatus.OK)
  passkeyOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.securityKeys.passkeyOptions();
  }

  /** Signs in with a passkey's answer to that challenge (401 if it does not check out). */
  @Post('passkey')
  @Public()
  @HttpCode(HttpStatus.OK)
  async passkeyLogin(
    @Body() body: PasskeyLoginDto,
    @ClientIp() ip: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionDto> {
    const signedIn = await this.auth.loginWithPasskey(
      body.credential,
      ip,
      request.header('user-agent'),
    );
    return this.startSession(signedIn, response);
  }

  private async startSession(
    { user, session }: Awaited<ReturnType<AuthService['login']>>,
    response: Response,
  ): Promise<SessionDto> {
    response.cookie(SESSION_COOKIE, session.token, this.cookieOptions(session.expiresAt));
    return {
      user,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
      ...(await this.secondFactorState(user)),
    };
  }

  @Post('logout')
  @RequireRole('viewer')
  @AllowedDuringAccountSetup()
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
  @AllowedDuringAccountSetup()
  async me(
    @CurrentPrincipal() principal: Principal,
  ): Promise<SessionDto | { token: string; role: string }> {
    if (principal.kind === 'token') return { token: principal.label, role: principal.role };
    const user = toDto(await this.users.findById(principal.id));
    return {
      user,
      csrfToken: principal.csrfToken ?? '',
      ...(await this.secondFactorState(user)),
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
  @AllowedDuringAccountSetup()
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

  /** Starts setting up an authenticator app: a new secret and its QR code (nothing changes yet). */
  @Post('second-factor/setup')
  @RequireRole('viewer')
  @PeopleOnly()
  @AllowedDuringAccountSetup()
  @HttpCode(HttpStatus.OK)
  beginSecondFactor(@CurrentPrincipal() principal: Principal): Promise<SecondFactorSetupDto> {
    return this.secondFactor.begin(principal);
  }

  /**
   * Turns the second factor on with a first code from the app; answers the ten recovery codes,
   * shown this once (422 for a wrong code, 409 `no_second_factor_setup` before the setup).
   */
  @Post('second-factor')
  @RequireRole('viewer')
  @PeopleOnly()
  @AllowedDuringAccountSetup()
  @HttpCode(HttpStatus.OK)
  enableSecondFactor(
    @Body() body: SecondFactorCodeDto,
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
  ): Promise<{ recoveryCodes: string[] }> {
    return this.secondFactor.enable(principal, body.code, ip);
  }

  /** New recovery codes in place of the old ones, with the password. */
  @Post('second-factor/recovery-codes')
  @RequireRole('viewer')
  @PeopleOnly()
  @HttpCode(HttpStatus.OK)
  renewRecoveryCodes(
    @Body() body: PasswordConfirmationDto,
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
  ): Promise<{ recoveryCodes: string[] }> {
    return this.secondFactor.renewRecoveryCodes(principal, body.password, ip);
  }

  /** Turns the second factor off, with the password (409 where the role requires one). */
  @Post('second-factor/disable')
  @RequireRole('viewer')
  @PeopleOnly()
  @HttpCode(HttpStatus.NO_CONTENT)
  async disableSecondFactor(
    @Body() body: PasswordConfirmationDto,
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    await this.secondFactor.disable(principal, body.password, ip);
  }

  /** The user's security keys and passkeys, and whether this server takes any. */
  @Get('second-factor/security-keys')
  @RequireRole('viewer')
  @PeopleOnly()
  @AllowedDuringAccountSetup()
  securityKeyList(@CurrentPrincipal() principal: Principal): Promise<SecurityKeysDto> {
    return this.securityKeys.list(principal.id);
  }

  /**
   * Starts adding a security key: the options to pass to the browser's WebAuthn call
   * (`navigator.credentials.create`), with a challenge good for five minutes. 409
   * `no_second_factor` before an authenticator app is set up, `security_keys_unavailable` where
   * the server has no WEBAUTHN_ORIGINS.
   */
  @Post('second-factor/security-keys/options')
  @RequireRole('viewer')
  @PeopleOnly()
  @AllowedDuringAccountSetup()
  @HttpCode(HttpStatus.OK)
  securityKeyOptions(
    @CurrentPrincipal() principal: Principal,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return this.securityKeys.registrationOptions(principal);
  }

  /** Adds the key the browser made (422 `security_key_not_verified` if it does not check out). */
  @Post('second-factor/security-keys')
  @RequireRole('viewer')
  @PeopleOnly()
  @AllowedDuringAccountSetup()
  addSecurityKey(
    @Body() body: AddSecurityKeyDto,
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
  ): Promise<SecurityKeyDto> {
    return this.securityKeys.add(principal, body.name, body.credential, ip);
  }

  @Delete('second-factor/security-keys/:id')
  @RequireRole('viewer')
  @PeopleOnly()
  @HttpCode(HttpStatus.NO_CONTENT)
  async removeSecurityKey(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    await this.securityKeys.remove(principal, id, ip);
  }

  /** Where the user is signed in: each session that still admits requests, the current one marked. */
  @Get('sessions')
  @RequireRole('viewer')
  @PeopleOnly()
  async sessions(@CurrentPrincipal() principal: Principal): Promise<SignedInSessionDto[]> {
    const sessions = await this.auth.sessionsOf(principal);
    return sessions.map((s) => ({
      id: s.id,
      ip: s.ip,
      userAgent: s.userAgent,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      current: s.id === principal.sessionId,
    }));
  }

  /** Signs the user out everywhere but here (a forgotten browser, a lost laptop): 200 {ended}. */
  @Delete('sessions')
  @RequireRole('viewer')
  @PeopleOnly()
  endOtherSessions(
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
  ): Promise<{ ended: number }> {
    return this.auth.endOtherSessions(principal, ip);
  }

  /** Ends one of the user's own sessions (404 for any other). */
  @Delete('sessions/:id')
  @RequireRole('viewer')
  @PeopleOnly()
  @HttpCode(HttpStatus.NO_CONTENT)
  async endSession(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    await this.auth.endSession(principal, id, ip);
  }
}
