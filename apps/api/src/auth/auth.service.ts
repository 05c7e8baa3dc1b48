import {
  HttpException,
  HttpStatus,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { toDto } from '../users/users.service';
import { UsersService } from '../users/users.service';
import { auditsFailure, LoginThrottleService } from './login-throttle.service';
import { decoyPasswordHash, verifyPassword } from './passwords';
import type { Principal } from './roles';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isAppCode, SecondFactorService } from './second-factor.service';
import { SecurityKeysService } from './security-keys.service';
import { SessionsService } from './sessions.service';
import type { NewSession } from './sessions.service';
import type { UserDto } from '../users/dto/user.dto';
import type { User } from '../users/entities/user.entity';

/** One message for every failure, so the answer never tells whether an account exists. */
export const LOGIN_FAILED = 'Invalid e-mail or password';
export const LOGIN_LOCKED = 'Too many failed sign-in attempts. Try again later.';
export const SECOND_FACTOR_NEEDED = 'Enter the code from your authenticator app';
export const SECOND_FACTOR_NEEDED_WITH_KEY =
  'Use your security key, or enter the code from your authenticator app';
export const SECURITY_KEY_NEEDED =
  'Use your security key (lost it? enter one of your recovery codes)';
export const SECURITY_KEY_REQUIRED =
  'Your role signs in with a security key, not an app code: use your key, or a recovery code';
export const SECOND_FACTOR_WRONG = 'That code is not right, or was already used';
export const SECURITY_KEY_WRONG = 'That security key was not accepted: try again, or use a code';
export const PASSKEY_WRONG =
  'That passkey did not sign you in: try again, or use your e-mail and password';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
    private readonly secondFactor: SecondFactorService,
    private readonly securityKeys: SecurityKeysService,
  ) {}

  /**
   * Checks the password and, for an account with a second factor, a code or a security key's
   * signature. Without either the answer is 401 `second_factor_required`, with a challenge for
   * the account's security keys in `details.securityKey` if it has any (the dashboard then asks
   * and sends it all again); a wrong one counts as a failed sign-in like a wrong password.
   * Where the role signs in with a key (SECURITY_KEY_REQUIRED_ROLES) and the account has one,
   * an app code is refused (401 `security_key_required`, the challenge again) and
   * `details.appCode` is false: a look-alike site can relay a code, not a key's signature.
   */
  async login(
    email: string,
    password: string,
    ip: string,
    userAgent?: string,
    proof: { code?: string; securityKey?: AuthenticationResponseJSON } = {},
  ): Promise<{ user: UserDto; session: NewSession }> {
    const gate = await this.throttle.reserve(email, ip);
    if (!gate.allowed) {
      // Once per window, not per refused attempt: refusals cost no audit row to cause.
      if (gate.firstRefusal)
        await this.audit.record({ actor: { label: email }, action: 'auth.login_locked', ip });
      throw new HttpException({ message: LOGIN_LOCKED }, HttpStatus.TOO_MANY_REQUESTS);
    }
    if (gate.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, gate.delayMs));
    const user = await this.users.findByEmail(email);
    // Verify against a decoy when there is no such user: the same work, the same time.
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    if (!user || !valid || user.disabled || user.kind !== 'person') {
      await this.failed(email, ip, user?.id ?? null);
      throw new UnauthorizedException(LOGIN_FAILED);
    }
    let secondFactor: 'app' | 'recovery_code' | 'security_key' | null = null;
    if (user.totpEnabledAt) {
      const { code, securityKey } = proof;
      if (securityKey)
        secondFactor = (await this.securityKeys.verifySignIn(user.id, securityKey))
          ? 'security_key'
          : null;
      else {
        const typed = code?.trim() ? code : null;
        const keyOnly =
          this.securityKeys.requiredFor(user.role) && (await this.securityKeys.count(user.id)) > 0;
        if (typed !== null && !(keyOnly && isAppCode(typed)))
          secondFactor = await this.secondFactor.verify(user.id, typed);
        else {
          const securityKeyOptions = await this.securityKeys.signInOptions(user.id);
          throw new UnauthorizedException({
            ...(typed !== null
              ? { message: SECURITY_KEY_REQUIRED, code: 'security_key_required' }
              : {
                  message: keyOnly
                    ? SECURITY_KEY_NEEDED
                    : securityKeyOptions
                      ? SECOND_FACTOR_NEEDED_WITH_KEY
                      : SECOND_FACTOR_NEEDED,
                  code: 'second_factor_required',
                }),
            ...(securityKeyOptions && {
              details: { securityKey: securityKeyOptions, appCode: !keyOnly },
            }),
          });
        }
      }
      if (!secondFactor) {
        await this.failed(email, ip, user.id, { secondFactor: true });
        throw new UnauthorizedException(
          securityKey
            ? { message: SECURITY_KEY_WRONG, code: 'security_key_wrong' }
            : { message: SECOND_FACTOR_WRONG, code: 'second_factor_wrong' },
        );
      }
    }
    return this.signedIn(user, ip, userAgent, secondFactor ? { secondFactor } : undefined);
  }

  /**
   * A passkey in place of the e-mail, the password and the second factor: a key of the account,
   * unlocked on the device (user verification), signing a challenge handed out for this. A
   * refused answer from a known key counts as a failed sign-in of its account.
   */
  async loginWithPasskey(
    assertion: AuthenticationResponseJSON,
    ip: string,
    userAgent?: string,
  ): Promise<{ user: UserDto; session: NewSession }> {
    const checked = await this.securityKeys.verifyPasskey(assertion);
    // A key's account is a person's (keys are added by people, and go with the account).
    const user = checked && (await this.users.findById(checked.userId));
    if (!checked || !user) throw new UnauthorizedException(PASSKEY_WRONG);
    if (!checked.verified || user.disabled || !user.totpEnabledAt) {
      await this.failed(user.email, ip, user.id, { passkey: true });
      throw new UnauthorizedException(PASSKEY_WRONG);
    }
    return this.signedIn(user, ip, userAgent, { passkey: true });
  }

  /** A sign-in that passed: the throttle forgets its failures, a session starts, audited. */
  private async signedIn(
    user: User,
    ip: string,
    userAgent: string | undefined,
    details?: Record<string, unknown>,
  ): Promise<{ user: UserDto; session: NewSession }> {
    await this.throttle.recordSuccess(user.email, ip);
    const session = await this.sessions.create(user.id, ip, userAgent);
    await this.audit.record({
      actor: { label: user.email, id: user.id },
      action: 'auth.login',
      objectType: 'user',
      objectId: user.id,
      ip,
      ...(details && { details }),
    });
    return { user: toDto(user), session };
  }

  /** A failed sign-in: counted for the lock-out, and audited while the failures are few. */
  private async failed(
    email: string,
    ip: string,
    userId: string | null,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const failures = await this.throttle.recordFailure(email);
    if (auditsFailure(failures))
      await this.audit.record({
        actor: { label: email, id: userId },
        action: 'auth.login_failed',
        objectType: 'user',
        objectId: userId ?? undefined,
        ip,
        details: { failuresInWindow: failures, ...details },
      });
  }

  sessionsOf(principal: Principal) {
    return this.sessions.listForUser(principal.id);
  }

  async endSession(principal: Principal, sessionId: string, ip: string): Promise<void> {
    if (!(await this.sessions.revokeOwn(principal.id, sessionId)))
      throw new NotFoundException(`You have no session ${sessionId}`);
    await this.audit.record({
      actor: principal,
      action: 'auth.session_ended',
      objectType: 'user',
      objectId: principal.id,
      ip,
      details: { session: sessionId },
    });
  }

  async endOtherSessions(principal: Principal, ip: string): Promise<{ ended: number }> {
    const ended = await this.sessions.revokeAllForUser(principal.id, principal.sessionId);
    await this.audit.record({
      actor: principal,
      action: 'auth.sessions_ended',
      objectType: 'user',
      objectId: principal.id,
      ip,
      details: { ended },
    });
    return { ended };
  }

  async logout(principal: Principal, ip: string): Promise<void> {
    if (principal.sessionId) await this.sessions.revoke(principal.sessionId);
    await this.audit.record({
      actor: principal,
      action: 'auth.logout',
      objectType: 'user',
      objectId: principal.id,
      ip,
    });
  }

  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    ip: string,
  ): Promise<void> {
    const user = await this.users.findByEmail(principal.label);
    if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new UnauthorizedException('The current password is wrong');
    }
    await this.users.changePassword(user.id, newPassword, principal.sessionId, ip, principal);
  }
}
