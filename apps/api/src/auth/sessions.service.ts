import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
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
 * Server-side sessions: an idle timeout that slides with use, capped by an absolute lifetime.
 * A disabled user or a changed password ends them. Looking a session up runs on every request:
 * one statement that checks expiry, lifetime and the user together, kept as SQL here.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(userId: string, ip: string, userAgent: string | undefined): Promise<NewSession> {
    const token = newSecret();
    const csrfToken = newSecret();
    const [row]: { expires_at: Date }[] = await this.db.query(
      `INSERT INTO sessions (token_hash, user_id, csrf_token, ip, user_agent, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(mins => $6))
       RETURNING expires_at`,
      [
        secretHash(token),
        userId,
        csrfToken,
        ip,
        userAgent?.slice(0, 300) ?? null,
        this.config.SESSION_IDLE_MINUTES,
      ],
    );
    return { token, csrfToken, expiresAt: row.expires_at };
  }

  async resolve(token: string): Promise<Principal | null> {
    const [row]: {
      session_id: string;
      user_id: string;
      email: string;
      role: Role;
      csrf_token: string;
      stale: boolean;
    }[] = await this.db.query(
      `SELECT s.id AS session_id, u.id AS user_id, u.email, u.role, s.csrf_token,
                s.last_seen_at < now() - make_interval(secs => $2) AS stale
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled
           AND s.created_at > now() - make_interval(hours => $3)`,
      [secretHash(token), TOUCH_INTERVAL_SECONDS, this.config.SESSION_MAX_HOURS],
    );
    if (!row) return null;
    if (row.stale) {
      await this.db.query(
        `UPDATE sessions SET last_seen_at = now(),
                expires_at = LEAST(now() + make_interval(mins => $2), created_at + make_interval(hours => $3))
         WHERE id = $1`,
        [row.session_id, this.config.SESSION_IDLE_MINUTES, this.config.SESSION_MAX_HOURS],
      );
    }
    return {
      kind: 'user',
      id: row.user_id,
      label: row.email,
      role: row.role,
      csrfToken: row.csrf_token,
      sessionId: row.session_id,
    };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.db.getRepository(Session).delete({ id: sessionId });
  }

  /** Ends every session of a user, except the one given (e.g. the one changing the password). */
  async revokeAllForUser(userId: string, exceptSessionId: string | null = null): Promise<void> {
    await this.db.query(`DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2`, [
      userId,
      exceptSessionId,
    ]);
  }
}
