import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export interface LoginGate {
  /** False: this client has used up its attempts on this account (or on all accounts). */
  allowed: boolean;
  /** How long to wait before checking the password: grows with the account's recent failures. */
  delayMs: number;
  /** This is the first refused attempt of its window (the one worth an audit entry). */
  firstRefusal: boolean;
}

/**
 * Whether the n-th failure on an account in a window goes to the audit log: every one up to
 * AUDITED_FAILURES, then only the 32nd, 64th, 128th… with their count, so a distributed guessing
 * run leaves a trail without filling the log.
 */
const AUDITED_FAILURES = 20;
export const auditsFailure = (n: number) => n <= AUDITED_FAILURES || (n & (n - 1)) === 0;

/** The longest wait before a password is checked, however many failures an account has. */
const MAX_DELAY_MS = 8_000;
/** The account-wide count only slows attempts down; it never locks (the largest int4). */
const NEVER_LOCKED = 2 ** 31 - 1;

/**
 * Limits password guessing, in Postgres so every api replica agrees:
 * - an attempt is counted *before* its password is checked, atomically (one upsert per key), so
 *   parallel guesses cannot all slip through while the first ones are being verified;
 * - the limits are per client: LOGIN_MAX_FAILURES_PER_ACCOUNT attempts per (account, address)
 *   and LOGIN_MAX_FAILURES_PER_IP per address across accounts, for LOGIN_LOCK_MINUTES. A
 *   success gives its attempts back. Someone guessing from elsewhere therefore cannot lock the
 *   account's owner out;
 * - failures on an account from every client together make each further attempt on it wait a
 *   little longer (doubling from half a second up to MAX_DELAY_MS), which slows guessing spread
 *   over many addresses without refusing the owner.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private pairKey = (email: string, ip: string) => `account:${email.toLowerCase()}|ip:${ip}`;
  private accountKey = (email: string) => `account:${email.toLowerCase()}`;
  private ipKey = (ip: string) => `ip:${ip}`;

  /** Counts this attempt against the client's limits; call before checking the password. */
  async reserve(email: string, ip: string): Promise<LoginGate> {
    const counts = await Promise.all([
      this.count(this.pairKey(email, ip), this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT),
      this.count(this.ipKey(ip), this.config.LOGIN_MAX_FAILURES_PER_IP),
    ]);
    const allowed =
      counts[0] <= this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT &&
      counts[1] <= this.config.LOGIN_MAX_FAILURES_PER_IP;
    return {
      allowed,
      delayMs: allowed ? await this.delayFor(email) : 0,
      firstRefusal:
        counts[0] === this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT + 1 ||
        counts[1] === this.config.LOGIN_MAX_FAILURES_PER_IP + 1,
    };
  }

  /**
   * A wrong password (or no such account): the account's failures from every client. Returns
   * their number in the current window.
   */
  recordFailure(email: string): Promise<number> {
    return this.count(this.accountKey(email), NEVER_LOCKED);
  }

  /**
   * The right password: the client's attempts on this account and the account's failures are
   * forgotten, and the address gets this attempt back (one good password must not reset a spray).
   */
  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.db.query(`DELETE FROM login_throttle WHERE key = ANY($1)`, [
      [this.pairKey(email, ip), this.accountKey(email)],
    ]);
    await this.db.query(
      `UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1`,
      [this.ipKey(ip)],
    );
  }

  /**
   * Adds one to the key's count in its window (a new window once the old one is over) and
   * returns the new count; the key is locked until its window ends once it reaches `limit`.
   */
  private async count(key: string, limit: number): Promise<number> {
    const [row]: { failures: number }[] = await this.db.query(
      `INSERT INTO login_throttle AS t (key, failures, window_started_at, locked_until)
       VALUES ($1, 1, now(), CASE WHEN 1 >= $2 THEN now() + make_interval(mins => $3) END)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_started_at < now() - make_interval(mins => $3) THEN 1 ELSE t.failures + 1 END,
         window_started_at = CASE WHEN t.window_started_at < now() - make_interval(mins => $3) THEN now() ELSE t.window_started_at END,
         locked_until = CASE
           WHEN t.window_started_at < now() - make_interval(mins => $3) THEN NULL
           WHEN t.failures + 1 >= $2 THEN t.window_started_at + make_interval(mins => $3)
           ELSE t.locked_until END
       RETURNING failures`,
      [key, limit, this.config.LOGIN_LOCK_MINUTES],
    );
    return row.failures;
  }

  private async delayFor(email: string): Promise<number> {
    const [row]: { failures: number }[] = await this.db.query(
      `SELECT failures FROM login_throttle
       WHERE key = $1 AND window_started_at >= now() - make_interval(mins => $2)`,
      [this.accountKey(email), this.config.LOGIN_LOCK_MINUTES],
    );
    const over = (row?.failures ?? 0) - this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT;
    return over < 0 ? 0 : Math.min(500 * 2 ** over, MAX_DELAY_MS);
  }
}
