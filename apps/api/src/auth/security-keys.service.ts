import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { SecurityKeyDto, SecurityKeysDto } from '@sieve/contracts';
import { Repository, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { User } from '../users/entities/user.entity';
import { SecurityKey, WebauthnChallenge } from './entities/security-key.entity';
import type { Principal } from './roles';

const CHALLENGE_SECONDS = 300;
/** Challenges a user may hold at once per purpose: a sign-in retried, a second tab. */
const OPEN_CHALLENGES = 5;
const MAX_KEYS_PER_USER = 10;
const RP_NAME = 'Sieve';

type Purpose = WebauthnChallenge['purpose'];

/**
 * Security keys and passkeys (WebAuthn) as a second way to pass the second factor at sign-in,
 * beside the authenticator app: a key signs a one-time challenge bound to the dashboard's address,
 * so unlike a typed code it cannot be phished on another site. A passkey that checks who holds it
 * also signs in alone. A key is added once the app is set up (the app and the recovery codes stay
 * the way back in when every key is lost), and turning the second factor off removes the keys
 * too. Keys are bound to `WEBAUTHN_ORIGINS`.
 */
@Injectable()
export class SecurityKeysService {
  constructor(
    @InjectRepository(SecurityKey) private readonly keys: Repository<SecurityKey>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get relyingParty(): { id: string; origins: string[] } | null {
    const origins = this.config.WEBAUTHN_ORIGINS;
    if (origins.length === 0) return null;
    return { id: this.config.WEBAUTHN_RP_ID ?? new URL(origins[0]).hostname, origins };
  }

  /** Whether this server takes keys at all (WEBAUTHN_ORIGINS is set). */
  get available(): boolean {
    return this.relyingParty !== null;
  }

  /** Whether the user's role signs in with a key (SECURITY_KEY_REQUIRED_ROLES). */
  requiredFor(role: Principal['role']): boolean {
    return this.config.SECURITY_KEY_REQUIRED_ROLES.includes(role);
  }

  async count(userId: string): Promise<number> {
    return this.keys.count({ where: { userId } });
  }

  async list(userId: string): Promise<SecurityKeysDto> {
    const keys = await this.keys.find({ where: { userId }, order: { createdAt: 'ASC' } });
    return { available: this.available, keys: keys.map(toDto) };
  }

  /** What the browser needs to make a new key for this user (nothing is stored but the challenge). */
  async registrationOptions(principal: Principal): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const rp = this.requireRelyingParty();
    const user = await this.users.findOneByOrFail({ id: principal.id });
    if (!user.totpEnabledAt)
      throw new ConflictException({
        message:
          'Set up an authenticator app first: it and its recovery codes are the way back in if a key is lost',
        code: 'no_second_factor',
      });
    const existing = await this.keys.find({ where: { userId: user.id } });
    if (existing.length >= MAX_KEYS_PER_USER)
      throw new ConflictException({
        message: `An account holds at most ${MAX_KEYS_PER_USER} security keys: remove one first`,
        code: 'too_many_security_keys',
      });
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: rp.id,
      userName: user.email,
      userDisplayName: user.displayName,
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      // Where the authenticator can, a passkey: kept on it and unlocked with a fingerprint or
      // PIN, so it can later sign in alone. A plain USB key is still a second factor.
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      excludeCredentials: existing.map((key) => ({
        id: key.credentialId,
        transports: key.transports,
      })),
    });
    await this.issue(options.challenge, user.id, 'registration');
    return options;
  }

  /** Keeps the key the browser made, if it signed the challenge handed out for it. */
  async add(
    principal: Principal,
    name: string,
    credential: RegistrationResponseJSON,
    ip: string,
  ): Promise<SecurityKeyDto> {
    const rp = this.requireRelyingParty();
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({
        response: credential,
        expectedChallenge: (challenge) => this.consume(challenge, principal.id, 'registration'),
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        requireUserVerification: false,
      });
    } catch (error) {
      throw notVerified(error);
    }
    if (!verified.verified) throw notVerified();
    const { credential: made } = verified.registrationInfo;
    const key = this.keys.create({
      id: randomUUID(),
      userId: principal.id,
      credentialId: made.id,
      publicKey: Buffer.from(made.publicKey),
      signCount: String(made.counter),
      transports: made.transports ?? credential.response.transports ?? [],
      name: name.trim(),
    });
    await this.keys.manager.transaction(async (tx) => {
      // Two-step sign-in turned off since the options were handed out: no key without the app.
      const [owner]: { id: string }[] = await tx.query(
        `SELECT id FROM users WHERE id = $1 AND totp_enabled_at IS NOT NULL FOR UPDATE`,
        [principal.id],
      );
      if (!owner)
        throw new ConflictException({
          message: 'Two-step sign-in is off: set up an authenticator app first',
          code: 'no_second_factor',
        });
      const [taken]: { id: string }[] = await tx.query(
        `SELECT id FROM security_keys WHERE credential_id = $1`,
        [made.id],
      );
      if (taken)
        throw new ConflictException({
          message: 'This security key is already added to an account',
          code: 'security_key_exists',
        });
      await tx.getRepository(SecurityKey).insert(key);
      await this.audit.record(
        {
          actor: principal,
          action: 'user.security_key_added',
          objectType: 'user',
          objectId: principal.id,
          ip,
          details: { securityKey: key.id, name: key.name },
        },
        tx,
      );
    });
    return toDto(key);
  }

  async remove(principal: Principal, keyId: string, ip: string): Promise<void> {
    await this.keys.manager.transaction(async (tx) => {
      if (this.requiredFor(principal.role)) {
        // The account's row serializes removals: two at once cannot each leave the other's key.
        await tx.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [principal.id]);
        const [{ theirs, others }]: { theirs: boolean | null; others: number }[] = await tx.query(
          `SELECT bool_or(id = $2) AS theirs, count(*) FILTER (WHERE id <> $2)::int AS others
             FROM security_keys WHERE user_id = $1`,
          [principal.id, keyId],
        );
        if (theirs && others === 0)
          throw new ConflictException({
            message: 'Your role signs in with a security key: add another before removing this one',
            code: 'security_key_required_by_role',
          });
      }
      const [removed]: [{ name: string }[], number] = await tx.query(
        `DELETE FROM security_keys WHERE id = $1 AND user_id = $2 RETURNING name`,
        [keyId, principal.id],
      );
      if (removed.length === 0) throw new NotFoundException(`You have no security key ${keyId}`);
      await this.audit.record(
        {
          actor: principal,
          action: 'user.security_key_removed',
          objectType: 'user',
          objectId: principal.id,
          ip,
          details: { securityKey: keyId, name: removed[0].name },
        },
        tx,
      );
    });
  }

  /**
   * A challenge for one of the user's keys to sign at sign-in, or null where they have none (or
   * the server takes none). Asked for only once the password is right.
   */
  async signInOptions(userId: string): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
    const rp = this.relyingParty;
    if (!rp) return null;
    const keys = await this.keys.find({ where: { userId } });
    if (keys.length === 0) return null;
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials: keys.map((key) => ({ id: key.credentialId, transports: key.transports })),
      userVerification: 'discouraged',
    });
    await this.issue(options.challenge, userId, 'authentication');
    return options;
  }

  /**
   * Whether a key of this user signed a challenge handed out to them, unused and unexpired. A
   * signature count that does not go forward (a cloned key) is refused as well.
   */
  async verifySignIn(userId: string, assertion: AuthenticationResponseJSON): Promise<boolean> {
    const rp = this.relyingParty;
    if (!rp) return false;
    const key = await this.keys.findOneBy({ userId, credentialId: assertion.id });
    if (!key) return false;
    const newCounter = await this.check(key, assertion, rp, userId, 'authentication');
    if (newCounter === null) return false;
    await this.recordUse(key, newCounter);
    return true;
  }

  /**
   * A challenge for a passkey sign-in, before anyone says who they are: the browser offers the
   * passkeys it holds for this site, and the one chosen says whose it is.
   */
  async passkeyOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const rp = this.requireRelyingParty();
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      userVerification: 'required',
    });
    await this.issue(options.challenge, null, 'passkey');
    return options;
  }

  /**
   * Whose passkey signed a passkey challenge: the account, or null. The key must have been
   * unlocked (a fingerprint, a face, a PIN: user verification), since it stands for the
   * password and the second factor at once.
   */
  async verifyPasskey(
    assertion: AuthenticationResponseJSON,
  ): Promise<{ userId: string; verified: boolean } | null> {
    const rp = this.relyingParty;
    if (!rp) return null;
    const key = await this.keys.findOneBy({ credentialId: assertion.id });
    if (!key) return null;
    const handle = assertion.response.userHandle;
    if (handle && Buffer.from(handle, 'base64url').toString('utf8') !== key.userId)
      return { userId: key.userId, verified: false };
    const newCounter = await this.check(key, assertion, rp, null, 'passkey');
    if (newCounter === null) return { userId: key.userId, verified: false };
    await this.recordUse(key, newCounter);
    return { userId: key.userId, verified: true };
  }

  /** Every key of a user, when their second factor is turned off or reset. */
  async removeAll(userId: string, tx: EntityManager): Promise<number> {
    const [, removed]: [unknown[], number] = await tx.query(
      `DELETE FROM security_keys WHERE user_id = $1`,
      [userId],
    );
    return removed;
  }

  /** The key's new signature count if it signed a live challenge of this purpose, else null. */
  private async check(
    key: SecurityKey,
    assertion: AuthenticationResponseJSON,
    rp: { id: string; origins: string[] },
    userId: string | null,
    purpose: 'authentication' | 'passkey',
  ): Promise<number | null> {
    try {
      const { verified, authenticationInfo } = await verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: (challenge) => this.consume(challenge, userId, purpose),
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        credential: {
          id: key.credentialId,
          publicKey: new Uint8Array(key.publicKey),
          counter: Number(key.signCount),
          transports: key.transports,
        },
        requireUserVerification: purpose === 'passkey',
      });
      return verified ? authenticationInfo.newCounter : null;
    } catch {
      // A malformed or forged answer, a used or expired challenge, another site's origin.
      return null;
    }
  }

  private async recordUse(key: SecurityKey, newCounter: number): Promise<void> {
    // Two sign-ins at once must not set the count back.
    await this.keys.query(
      `UPDATE security_keys SET sign_count = greatest(sign_count, $2), last_used_at = now()
        WHERE id = $1`,
      [key.id, newCounter],
    );
  }

  private requireRelyingParty() {
    const rp = this.relyingParty;
    if (!rp)
      throw new ConflictException({
        message:
          'This server takes no security keys: an operator sets WEBAUTHN_ORIGINS to where the dashboard is served',
        code: 'security_keys_unavailable',
      });
    return rp;
  }

  /**
   * Keeps a challenge for five minutes. Drops the user's expired ones and all but their newest
   * few; for a passkey challenge (no user yet), every expired one of those.
   */
  private async issue(challenge: string, userId: string | null, purpose: Purpose): Promise<void> {
    await this.keys.manager.transaction(async (tx) => {
      if (userId === null)
        await tx.query(
          `DELETE FROM webauthn_challenges WHERE user_id IS NULL AND expires_at <= now()`,
        );
      else
        await tx.query(
          `DELETE FROM webauthn_challenges
            WHERE user_id = $1
              AND (expires_at <= now()
                   OR challenge IN (SELECT challenge FROM webauthn_challenges
                                     WHERE user_id = $1 AND purpose = $2
                                     ORDER BY expires_at DESC OFFSET $3))`,
          [userId, purpose, OPEN_CHALLENGES - 1],
        );
      await tx.query(
        `INSERT INTO webauthn_challenges (challenge, user_id, purpose, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
        [challenge, userId, purpose, CHALLENGE_SECONDS],
      );
    });
  }

  /** Uses a challenge up: true once, for the user (or no user) and purpose it was handed out for. */
  private async consume(
    challenge: string,
    userId: string | null,
    purpose: Purpose,
  ): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.keys.query(
      `DELETE FROM webauthn_challenges
        WHERE challenge = $1 AND user_id IS NOT DISTINCT FROM $2::uuid AND purpose = $3
          AND expires_at > now()
        RETURNING challenge`,
      [challenge, userId, purpose],
    );
    return rows.length > 0;
  }
}

const toDto = (key: SecurityKey): SecurityKeyDto => ({
  id: key.id,
  name: key.name,
  createdAt: (key.createdAt ?? new Date()).toISOString(),
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
});

function notVerified(error?: unknown) {
  const reason =
    error instanceof Error
      ? `The security key's answer did not check out: ${error.message}`
      : "The security key's answer did not check out";
  return new UnprocessableEntityException({
    message: reason,
    code: 'security_key_not_verified',
    details: [{ field: 'credential', errors: [reason] }],
  });
}
