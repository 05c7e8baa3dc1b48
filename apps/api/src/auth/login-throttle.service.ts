import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/**
 * Counts failed logins per account and per IP in Postgres (so every api replica agrees) and
 * locks a key for LOGIN_LOCK_MINUTES once it reaches its limit within that window.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private keys(email: string, ip: string): [string, number][] {
    return [
      [`account:${email.toLowerCase()}`, this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT],
      [`ip:${ip}`, this.config.LOGIN_MAX_FAILURES_PER_IP],
    ];
  }

  async isLocked(email: string, ip: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM login_throttle WHERE key = ANY($1) AND locked_until > now()`,
      [this.keys(email, ip).map(([key]) => key)],
    );
    return rows.length > 0;
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    for (const [key, limit] of this.keys(email, ip)) {
      await this.db.query(
        `INSERT INTO login_throttle AS t (key, failures, window_started_at)
         VALUES ($1, 1, now())
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN t.window_started_at < now() - make_interval(mins => $3) THEN 1 ELSE t.failures + 1 END,
           window_started_at = CASE WHEN t.window_started_at < now() - make_interval(mins => $3) THEN now() ELSE t.window_started_at END,
           locked_until = CASE
             WHEN t.window_started_at >= now() - make_interval(mins => $3) AND t.failures + 1 >= $2
             THEN now() + make_interval(mins => $3) ELSE t.locked_until END`,
        [key, limit, this.config.LOGIN_LOCK_MINUTES],
      );
    }
  }

  /** A successful login clears the account's count (not the IP's: one good password must not reset a spray). */
  async recordSuccess(email: string): Promise<void> {
    await this.db.query(`DELETE FROM login_throttle WHERE key = $1`, [
      `account:${email.toLowerCase()}`,
    ]);
  }
}
