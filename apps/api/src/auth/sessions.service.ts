import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Subject } from 'rxjs';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Session } from './entities/session.entity';
import type { Principal, Role } from './roles';
import { newSecret, secretHash } from './tokens';

export interface NewSession {
  /** Goes in the httpOnly cookie; only its hash is stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Only touch last_seen/expiry once a minute, not on every request. */
const TOUCH_INTERVAL_SECONDS = 60;

/**
 * The idle timeout of the session's user (`u`), from the parameters holding the two settings:
 * ASVS L2 asks at most 30 minutes for roles that change policies or accounts.
 */
const idleMinutes = (everyone: string, privileged: string) =>
  `CASE WHEN u.role IN ('policy_admin', 'admin') THEN ${privileged}::int ELSE ${everyone}::int END`;

/**
 * Server-side sessions: an idle timeout that slides with use, capped by an absolute lifetime.
 * A disabled user or a changed password ends them. Looking a session up runs on every request:
 * one statement that checks expiry, lifetime and the user together, kept as SQL here.
 */
@Injectable()
export class SessionsService {
  /** Sessions ended in this process, so open live streams end with them (LiveStreamsService). */
  readonly revocations = new Subject<{ sessionId: string } | { userId: string }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(userId: string, ip: string, userAgent: string | undefined): Promise<NewSession> {
    const token = newSecret();
    const csrfToken = newSecret();
    const [row]: { expires_at: Date }[] = await this.db.query(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, ip, user_agent, expires_at)
       SELECT $1, u.id, $3, $4, $5, now() + make_interval(mins => ${idleMinutes('$6', '$7')})
         FROM users u WHERE u.id = $2
       RETURNING expires_at`,
      [
        secretHash(token),
        userId,
        csrfToken,
        ip,
        userAgent?.slice(0, 300) ?? null,
        this.config.SESSION_IDLE_MINUTES,
        this.config.SESSION_IDLE_MINUTES_PRIVILEGED,
      ],
    );
    return { token, csrfToken, expiresAt: row.expires_at };
  }

  /**
   * The session's principal, sliding its idle expiry forward (at most once a minute). When it
   * slid, `renewedUntil` says so: the guard sends the cookie again with the new expiry.
   */
  async resolve(token: string): Promise<Principal | null> {
    const [row]: {
      session_id: string;
      user_id: string;
      email: string;
      role: Role;
      csrf_token: string;
      must_change_password: boolean;
      must_set_up_second_factor: boolean;
      must_add_security_key: boolean;
      renewed_until: Date | null;
    }[] = await this.db.query(
      `WITH found AS (
         SELECT s.id AS session_id, u.id AS user_id, u.email, u.role, s.csrf_token, s.created_at,
                u.must_change_password,
                (u.totp_enabled_at IS NULL AND u.role = ANY($6::text[])) AS must_set_up_second_factor,
                (u.role = ANY($7::text[]) AND NOT EXISTS (
                   SELECT 1 FROM security_keys k WHERE k.user_id = u.id)) AS must_add_security_key,
                s.last_seen_at < now() - make_interval(secs => $2) AS stale,
                ${idleMinutes('$4', '$5')} AS idle_minutes
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled
            AND s.created_at > now() - make_interval(hours => $3)
       ), touched AS (
         UPDATE sessions s
            SET last_seen_at = now(),
                expires_at = LEAST(now() + make_interval(mins => f.idle_minutes),
                                   f.created_at + make_interval(hours => $3))
           FROM found f
          WHERE s.id = f.session_id AND f.stale
         RETURNING s.expires_at
       )
       SELECT f.session_id, f.user_id, f.email, f.role, f.csrf_token, f.must_change_password,
              f.must_set_up_second_factor, f.must_add_security_key,
              (SELECT expires_at FROM touched) AS renewed_until
         FROM found f`,
      [
        secretHash(token),
        TOUCH_INTERVAL_SECONDS,
        this.config.SESSION_MAX_HOURS,
        this.config.SESSION_IDLE_MINUTES,
        this.config.SESSION_IDLE_MINUTES_PRIVILEGED,
        this.config.SECOND_FACTOR_REQUIRED_ROLES,
        this.config.SECURITY_KEY_REQUIRED_ROLES,
      ],
    );
    if (!row) return null;
    return {
      kind: 'user',
      id: row.user_id,
      label: row.email,
      role: row.role,
      csrfToken: row.csrf_token,
      sessionId: row.session_id,
      mustChangePassword: row.must_change_password,
      mustSetUpSecondFactor: row.must_set_up_second_factor,
      mustAddSecurityKey: row.must_add_security_key,
      renewedUntil: row.renewed_until,
    };
  }

  /** Whether the session still admits requests (not ended, expired or of a disabled user). */
  async isActive(sessionId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.expires_at > now() AND NOT u.disabled
          AND s.created_at > now() - make_interval(hours => $2)`,
      [sessionId, this.config.SESSION_MAX_HOURS],
    );
    return rows.length > 0;
  }

  /** A user's sessions that still admit requests, the most recently used first. */
  async listForUser(userId: string): Promise<
    {
      id: string;
      ip: string | null;
      userAgent: string | null;
      createdAt: Date;
      lastSeenAt: Date;
      expiresAt: Date;
    }[]
  > {
    return this.db.query(
      `SELECT id, ip, user_agent AS "userAgent", created_at AS "createdAt",
              last_seen_at AS "lastSeenAt", expires_at AS "expiresAt"
         FROM sessions
        WHERE user_id = $1 AND expires_at > now()
          AND created_at > now() - make_interval(hours => $2)
        ORDER BY last_seen_at DESC, created_at DESC`,
      [userId, this.config.SESSION_MAX_HOURS],
    );
  }

  /** Ends one of the user's own sessions; false when they have no such session. */
  async revokeOwn(userId: string, sessionId: string): Promise<boolean> {
    const [deleted]: [{ id: string }[], number] = await this.db.query(
      `DELETE FROM sessions WHERE id = $1 AND user_id = $2 RETURNING id`,
      [sessionId, userId],
    );
    for (const { id } of deleted) this.revocations.next({ sessionId: id });
    return deleted.length > 0;
  }

  async revoke(sessionId: string): Promise<void> {
    await this.db.getRepository(Session).delete({ id: sessionId });
    this.revocations.next({ sessionId });
  }

  /** Ends every session of a user, except the one given (e.g. the one changing the password). */
  async revokeAllForUser(userId: string, exceptSessionId: string | null = null): Promise<number> {
    // TypeORM answers a DELETE … RETURNING with [rows, rowCount].
    const [deleted]: [{ id: string }[], number] = await this.db.query(
      `DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2 RETURNING id`,
      [userId, exceptSessionId],
    );
    for (const { id } of deleted) this.revocations.next({ sessionId: id });
    return deleted.length;
  }
}
