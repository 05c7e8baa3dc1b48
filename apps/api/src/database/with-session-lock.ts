import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `work` on one connection of the pool while it holds the session-level advisory lock
 * `lock`, so that one process at a time does it, for work that cannot run in one transaction
 * (migrations, retention, `CREATE INDEX CONCURRENTLY`). Without `wait`, it does not wait for
 * another holder: it answers `null` without running `work`.
 *
 * Neither `work` nor the wait for the lock is bounded by the pool's statement timeout (half
 * BACKTEST_SETTLE_SECONDS, 30 s by default): a migration rewriting a large table, a day's
 * partition at full volume or an index over a million vectors takes longer, and would be cut
 * off and tried again whole, never finishing. The connection goes back to the pool with its
 * timeout and without the lock, whether `work` succeeds or throws.
 */
export function withSessionLock<T>(
  db: DataSource,
  lock: string,
  options: { wait: true },
  work: (session: QueryRunner) => Promise<T>,
): Promise<T>;
export function withSessionLock<T>(
  db: DataSource,
  lock: string,
  options: { wait: boolean },
  work: (session: QueryRunner) => Promise<T>,
): Promise<T | null>;
export async function withSessionLock<T>(
  db: DataSource,
  lock: string,
  { wait }: { wait: boolean },
  work: (session: QueryRunner) => Promise<T>,
): Promise<T | null> {
  const session = db.createQueryRunner();
  try {
    await session.query(`SET statement_timeout = 0`);
    const [{ locked }]: { locked: boolean }[] = await session.query(
      wait
        ? `SELECT true AS locked FROM pg_advisory_lock(hashtext($1))`
        : `SELECT pg_try_advisory_lock(hashtext($1)) AS locked`,
      [lock],
    );
    if (!locked) return null;
    try {
      return await work(session);
    } finally {
      await session.query(`SELECT pg_advisory_unlock(hashtext($1))`, [lock]);
    }
  } finally {
    await session.query(`RESET statement_timeout`).catch(() => undefined);
    await session.release();
  }
}
