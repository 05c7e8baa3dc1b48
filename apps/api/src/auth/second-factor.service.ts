import { createHash, randomInt } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SecretBox } from '../secrets/secret-box';
import { totpContext } from '../secrets/sealed-columns';
import { User } from '../users/entities/user.entity';
import { verifyPassword } from './passwords';
import type { Principal } from './roles';
import { SecurityKeysService } from './security-keys.service';
import { SessionsService } from './sessions.service';

const ISSUER = 'Sieve';
const PERIOD_SECONDS = 30;
/** A code from the step before or after is accepted too: clocks drift, people type slowly. */
const WINDOW_STEPS = 1;
const RECOVERY_CODES = 10;
/** No 0/o, 1/l/i: a recovery code is read off paper. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export interface SecondFactorSetup {
  /** Base32, for typing into an app that cannot scan. */
  secret: string;
  /** `otpauth://totp/…`, what the QR code holds. */
  otpauthUrl: string;
  /** The QR code as an SVG document. */
  qrCodeSvg: string;
}

const totp = (secret: string, label: string) =>
  new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });

/** Codes are typed with spaces or dashes, in either case. */
const normalize = (code: string) => code.replace(/[\s-]/g, '').toLowerCase();
/** Six digits: what an authenticator app shows (a recovery code is ten letters and digits). */
export const isAppCode = (code: string) => /^\d{6}$/.test(normalize(code));
const recoveryHash = (code: string) => createHash('sha256').update(normalize(code)).digest('hex');

function newRecoveryCode(): string {
  const chars = Array.from(
    { length: 10 },
    () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)],
  );
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/**
 * The second factor at sign-in: a TOTP authenticator app (RFC 6238, SHA-1, 6 digits, 30 s, as
 * every authenticator app reads it), plus one-time recovery codes for a lost phone. Setting one
 * up takes a first code from it; turning it off takes the password, and is refused to a role
 * SECOND_FACTOR_REQUIRED_ROLES names; an admin can remove someone else's (a lost phone and no
 * recovery codes). Security keys (SecurityKeysService) are added beside the app and go with it.
 * Every change is audited.
 */
@Injectable()
export class SecondFactorService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secrets: SecretBox,
    private readonly securityKeys: SecurityKeysService,
  ) {}

  /** A new secret to scan, kept aside until `enable` proves the app has it. */
  async begin(principal: Principal): Promise<SecondFactorSetup> {
    const user = await this.users.findOneByOrFail({ id: principal.id });
    if (user.totpEnabledAt)
      throw new ConflictException({
        message: 'A second factor is already set up: turn it off first to set up another',
        code: 'second_factor_enabled',
      });
    const secret = new Secret({ size: 20 }).base32;
    await this.users.update(
      { id: user.id },
      { totpPendingSecret: this.secrets.seal(secret, totpContext(user.id)) },
    );
    const otpauthUrl = totp(secret, user.email).toString();
    const qrCodeSvg = await QRCode.toString(otpauthUrl, { type: 'svg', margin: 1 });
    return { secret, otpauthUrl, qrCodeSvg };
  }

  /** Turns on the secret being set up, given a code from it; answers the recovery codes, once. */
  async enable(
    principal: Principal,
    code: string,
    ip: string,
  ): Promise<{ recoveryCodes: string[] }> {
    const user = await this.withSecrets(principal.id);
    if (user.totpEnabledAt)
      throw new ConflictException({
        message: 'A second factor is already set up',
        code: 'second_factor_enabled',
      });
    if (!user.totpPendingSecret)
      throw new ConflictException({
        message: 'Start setting up a second factor first',
        code: 'no_second_factor_setup',
      });
    const step = this.acceptedStep(user.totpPendingSecret, user.email, code);
    if (step === null) throw invalidCode('code');
    const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.users.manager.transaction(async (tx) => {
      await tx.query(
        `UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL,
                totp_enabled_at = now(), totp_last_step = $2, recovery_code_hashes = $3
          WHERE id = $1`,
        [user.id, step, recoveryCodes.map(recoveryHash)],
      );
      await this.audit.record(
        {
          actor: principal,
          action: 'user.second_factor_enabled',
          objectType: 'user',
          objectId: user.id,
          ip,
        },
        tx,
      );
    });
    return { recoveryCodes };
  }

  /** New recovery codes in place of the old ones (some used up, or the paper lost). */
  async renewRecoveryCodes(
    principal: Principal,
    password: string,
    ip: string,
  ): Promise<{ recoveryCodes: string[] }> {
    const user = await this.withSecrets(principal.id);
    if (!user.totpEnabledAt)
      throw new ConflictException({
        message: 'Set up a second factor first',
        code: 'no_second_factor',
      });
    await this.checkPassword(user, password);
    const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.users.manager.transaction(async (tx) => {
      await tx.query(`UPDATE users SET recovery_code_hashes = $2 WHERE id = $1`, [
        user.id,
        recoveryCodes.map(recoveryHash),
      ]);
      await this.audit.record(
        {
          actor: principal,
          action: 'user.recovery_codes_renewed',
          objectType: 'user',
          objectId: user.id,
          ip,
        },
        tx,
      );
    });
    return { recoveryCodes };
  }

  /** The user turns theirs off, with their password. */
  async disable(principal: Principal, password: string, ip: string): Promise<void> {
    if (this.config.SECOND_FACTOR_REQUIRED_ROLES.includes(principal.role))
      throw new ConflictException({
        message: 'Your role requires a second factor: it cannot be turned off',
        code: 'second_factor_required_by_role',
      });
    const user = await this.withSecrets(principal.id);
    await this.checkPassword(user, password);
    await this.remove(user.id, principal, 'user.second_factor_disabled', ip);
  }

  /** An admin removes someone else's (a lost phone); every session of theirs ends. */
  async reset(userId: string, actor: Principal, ip: string): Promise<void> {
    if (userId === actor.id)
      throw new ConflictException({
        message: 'Turn your own second factor off on your account page: it asks for your password',
        code: 'own_second_factor',
      });
    await this.remove(userId, actor, 'user.second_factor_reset', ip);
    await this.sessions.revokeAllForUser(userId);
  }

  /**
   * Whether a code proves the second factor at sign-in: a current code from the app (each time
   * step accepted once, so a code seen over a shoulder cannot be used again) or an unused
   * recovery code, which is then used up.
   */
  async verify(userId: string, code: string): Promise<'app' | 'recovery_code' | null> {
    const user = await this.withSecrets(userId);
    if (!user.totpSecret) return null;
    const step = this.acceptedStep(user.totpSecret, user.email, code);
    if (step !== null) {
      const [claimed]: [unknown[], number] = await this.users.query(
        `UPDATE users SET totp_last_step = $2
          WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
        [userId, step],
      );
      return claimed.length > 0 ? 'app' : null;
    }
    const [used]: [unknown[], number] = await this.users.query(
      `UPDATE users SET recovery_code_hashes = array_remove(recovery_code_hashes, $2)
        WHERE id = $1 AND $2 = ANY(recovery_code_hashes) RETURNING id`,
      [userId, recoveryHash(code)],
    );
    return used.length > 0 ? 'recovery_code' : null;
  }

  /** How many recovery codes are left (the account page warns when few are). */
  async recoveryCodesLeft(userId: string): Promise<number> {
    const [row]: { left: number }[] = await this.users.query(
      `SELECT cardinality(recovery_code_hashes) AS left FROM users WHERE id = $1`,
      [userId],
    );
    return row?.left ?? 0;
  }

  private acceptedStep(secret: string, label: string, code: string): number | null {
    if (!isAppCode(code)) return null;
    const token = normalize(code);
    const now = Date.now();
    const delta = totp(secret, label).validate({ token, timestamp: now, window: WINDOW_STEPS });
    return delta === null ? null : Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  }

  private async remove(
    userId: string,
    actor: Principal,
    action: 'user.second_factor_disabled' | 'user.second_factor_reset',
    ip: string,
  ): Promise<void> {
    await this.users.manager.transaction(async (tx) => {
      // An UPDATE answers [rows, count].
      const [cleared]: [unknown[], number] = await tx.query(
        `UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL,
                totp_last_step = NULL, recovery_code_hashes = '{}'
          WHERE id = $1 AND kind = 'person' AND totp_enabled_at IS NOT NULL RETURNING id`,
        [userId],
      );
      if (cleared.length === 0)
        throw new ConflictException({
          message: 'No second factor is set up for this account',
          code: 'no_second_factor',
        });
      const securityKeysRemoved = await this.securityKeys.removeAll(userId, tx);
      await this.audit.record(
        {
          actor,
          action,
          objectType: 'user',
          objectId: userId,
          ip,
          ...(securityKeysRemoved > 0 && { details: { securityKeysRemoved } }),
        },
        tx,
      );
    });
  }

  private async checkPassword(user: User & { passwordHash: string }, password: string) {
    if (!(await verifyPassword(user.passwordHash, password))) {
      const reason = 'The password is wrong';
      throw new UnprocessableEntityException({
        message: reason,
        details: [{ field: 'password', errors: [reason] }],
      });
    }
  }

  /** The user with their password hash and their TOTP secrets, opened. */
  private async withSecrets(id: string) {
    const user = (await this.users
      .createQueryBuilder('u')
      .addSelect(['u.passwordHash', 'u.totpSecret', 'u.totpPendingSecret'])
      .where('u.id = :id', { id })
      .getOneOrFail()) as User & { passwordHash: string };
    const open = (stored: string | null) =>
      stored === null ? null : this.secrets.open(stored, totpContext(id));
    return Object.assign(user, {
      totpSecret: open(user.totpSecret),
      totpPendingSecret: open(user.totpPendingSecret),
    });
  }
}

function invalidCode(field: string) {
  const reason = 'That code is not right: enter the 6 digits the app shows now';
  return new UnprocessableEntityException({
    message: reason,
    details: [{ field, errors: [reason] }],
  });
}
