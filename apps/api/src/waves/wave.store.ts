import { Injectable } from '@nestjs/common';
import type { WaveSummaryDto } from '@sieve/contracts';
import { WAVE_GROWTH_WINDOW_MINUTES } from '@sieve/moderation';
import type { EntityManager } from 'typeorm';
import { readInPages } from '../database/read-in-pages';

export interface OpenFlagRow {
  flagId: string;
  waveId: string | null;
  vector: Buffer;
  textHash: Buffer;
}

/** Open flags read at a time when a replica rebuilds its grouping (their vectors: ~1 KB each). */
const OPEN_FLAGS_PAGE = 2000;

export interface WaveActivityRow {
  id: string;
  size: number;
  authors: number;
  recentMembers: number;
}

/** What the queue shows of a wave, computed from its members (the excluded left out). */
export const WAVE_SUMMARY_SELECT = `
  w.id, w.status, w.first_seen_at AS "firstSeenAt", w.last_seen_at AS "lastSeenAt",
  w.raised_at AS "raisedAt", w.raised_reason AS "raisedReason",
  w.decided_at AS "decidedAt", w.action,
  s.size, s.authors, s.recent AS "recentMembers", s.max_score AS "maxScore",
  s.categories, s.samples
  FROM waves w
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS size,
           count(DISTINCT (e.source, e.author_id))::int AS authors,
           count(*) FILTER (WHERE m.joined_at > now() - interval '${WAVE_GROWTH_WINDOW_MINUTES} minutes')::int AS recent,
           COALESCE(max(f.max_score), 0)::float AS max_score,
           COALESCE((SELECT array_agg(DISTINCT c) FROM wave_members m2 JOIN flags f2 ON f2.id = m2.flag_id,
                     unnest(f2.categories) AS c WHERE m2.wave_id = w.id AND m2.excluded_at IS NULL), '{}') AS categories,
           (array_agg(left(e.text, 280) ORDER BY m.joined_at DESC) FILTER (WHERE e.erased_at IS NULL))[1:3] AS samples
    FROM wave_members m
    JOIN flags f ON f.id = m.flag_id
    JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
    WHERE m.wave_id = w.id AND m.excluded_at IS NULL
  ) s`;

export interface WaveSummaryRow {
  id: string;
  status: WaveSummaryDto['status'];
  firstSeenAt: Date;
  lastSeenAt: Date;
  raisedAt: Date | null;
  raisedReason: NonNullable<WaveSummaryDto['raised']>['reason'] | null;
  decidedAt: Date | null;
  action: string | null;
  size: number;
  authors: number;
  recentMembers: number;
  maxScore: number;
  categories: string[];
  samples: string[] | null;
}

/** The waves tables: groups and their members. */
@Injectable()
export class WaveStore {
  /**
   * The open flags of the window to group with, oldest first, `pageSize` rows at a time: at most
   * `limit`, the most recent (a replica rebuilding its state behind a long inbox must not read
   * every open flag, nor hold tens of thousands of vectors at once). Needs a transaction.
   */
  async readOpenFlags(
    tx: EntityManager,
    options: { method: string; windowMinutes: number; limit: number; pageSize?: number },
    each: (rows: OpenFlagRow[]) => void,
  ): Promise<void> {
    await readInPages(
      tx,
      `SELECT "flagId", "waveId", vector, "textHash" FROM (
         SELECT v.seq, f.id AS "flagId", w.id AS "waveId", t.vector, t.text_hash AS "textHash"
         FROM flags f
         JOIN flag_vectors v ON v.flag_id = f.id AND v.method = $1
         JOIN text_vectors t ON t.method = v.method AND t.text_hash = v.text_hash
         LEFT JOIN wave_members m ON m.flag_id = f.id
         LEFT JOIN waves w ON w.id = m.wave_id AND w.status = 'open'
         WHERE f.status <> 'decided' AND f.created_at > now() - make_interval(mins => $2)
           AND m.excluded_at IS NULL
         ORDER BY v.seq DESC
         LIMIT $3) recent
       ORDER BY seq`,
      [options.method, options.windowMinutes, options.limit],
      options.pageSize ?? OPEN_FLAGS_PAGE,
      each,
    );
  }

  /**
   * Flags waiting to be grouped (from the ends of the inbox's key: two index lookups, where a
   * count would read it all) and how long the oldest has waited.
   */
  async inbox(manager: EntityManager): Promise<{ waiting: number; oldestWaitingSeconds: number }> {
    const [row]: { waiting: number; oldest: number }[] = await manager.query(
      `SELECT COALESCE(max(seq) - min(seq) + 1, 0)::int AS waiting,
              COALESCE(EXTRACT(EPOCH FROM now() - (
                SELECT f.created_at FROM wave_inbox i JOIN flags f ON f.id = i.flag_id
                ORDER BY i.seq LIMIT 1)), 0)::float8 AS oldest
       FROM wave_inbox`,
    );
    return { waiting: row.waiting, oldestWaitingSeconds: Math.round(row.oldest * 10) / 10 };
  }

  /**
   * Of these flags, the ones no longer to group: decided, excluded from their wave, or whose
   * vector an erasure deleted.
   */
  async closed(manager: EntityManager, flagIds: string[]): Promise<string[]> {
    if (!flagIds.length) return [];
    const rows: { id: string }[] = await manager.query(
      `SELECT f.id FROM flags f LEFT JOIN wave_members m ON m.flag_id = f.id
       WHERE f.id = ANY($1::uuid[])
         AND (f.status = 'decided' OR m.excluded_at IS NOT NULL
              OR NOT EXISTS (SELECT 1 FROM flag_vectors v WHERE v.flag_id = f.id))`,
      [flagIds],
    );
    return rows.map((r) => r.id);
  }

  /** New waves, each first seen when its earliest member was flagged. */
  async create(
    manager: EntityManager,
    members: { flagId: string; waveId: string }[],
  ): Promise<void> {
    if (!members.length) return;
    await manager.query(
      `INSERT INTO waves (id, first_seen_at, last_seen_at)
       SELECT u.wave_id, COALESCE(min(f.created_at), now()), now()
       FROM unnest($1::uuid[], $2::uuid[]) AS u(wave_id, flag_id)
       LEFT JOIN flags f ON f.id = u.flag_id
       GROUP BY u.wave_id`,
      [members.map((m) => m.waveId), members.map((m) => m.flagId)],
    );
  }

  async addMembers(
    manager: EntityManager,
    members: { flagId: string; waveId: string; similarity: number }[],
  ): Promise<void> {
    if (!members.length) return;
    await manager.query(
      `INSERT INTO wave_members (flag_id, wave_id, similarity)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::real[])
       ON CONFLICT (flag_id) DO NOTHING`,
      [
        members.map((m) => m.flagId),
        members.map((m) => m.waveId),
        members.map((m) => m.similarity),
      ],
    );
  }

  async merge(manager: EntityManager, from: string, into: string): Promise<void> {
    await manager.query(`UPDATE wave_members SET wave_id = $2 WHERE wave_id = $1`, [from, into]);
    await manager.query(
      `UPDATE waves w SET first_seen_at = LEAST(w.first_seen_at, g.first_seen_at)
       FROM waves g WHERE w.id = $2 AND g.id = $1`,
      [from, into],
    );
    await manager.query(
      `UPDATE waves SET status = 'merged', merged_into = $2 WHERE id = $1 AND status = 'open'`,
      [from, into],
    );
  }

  /** Members arrived now. */
  async touch(manager: EntityManager, waveIds: string[]): Promise<void> {
    if (!waveIds.length) return;
    await manager.query(
      `UPDATE waves SET last_seen_at = now() WHERE id = ANY($1::uuid[]) AND status = 'open'`,
      [waveIds],
    );
  }

  /**
   * Size, authors and recent growth of the open waves not raised yet (a raised wave is not
   * counted again: what costs a scan of its members is only paid until it is raised).
   */
  async unraisedActivity(manager: EntityManager, waveIds: string[]): Promise<WaveActivityRow[]> {
    if (!waveIds.length) return [];
    return manager.query(
      `SELECT m.wave_id AS id, count(*)::int AS size,
              count(DISTINCT (e.source, e.author_id))::int AS authors,
              count(*) FILTER (WHERE m.joined_at > now() - interval '${WAVE_GROWTH_WINDOW_MINUTES} minutes')::int AS "recentMembers"
       FROM waves w JOIN wave_members m ON m.wave_id = w.id
       JOIN flags f ON f.id = m.flag_id JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
       WHERE w.id = ANY($1::uuid[]) AND w.status = 'open' AND w.raised_at IS NULL
         AND m.excluded_at IS NULL
       GROUP BY m.wave_id`,
      [waveIds],
    );
  }

  async raise(manager: EntityManager, waveId: string, reason: string): Promise<void> {
    await manager.query(
      `UPDATE waves SET raised_at = now(), raised_reason = $2 WHERE id = $1 AND raised_at IS NULL`,
      [waveId, reason],
    );
  }

  /**
   * Moves these open, unclaimed flags to `queue` (when it exists); the ids moved. Claimed ones stay
   * with their reviewer.
   */
  async route(manager: EntityManager, flagIds: string[], queue: string): Promise<string[]> {
    if (!flagIds.length) return [];
    const [rows]: [{ id: string }[], number] = await manager.query(
      `UPDATE flags f SET queue = $2, updated_at = now()
       WHERE f.id = ANY($1::uuid[]) AND f.status = 'open' AND f.queue <> $2
         AND NOT (f.claimed_by IS NOT NULL AND f.claim_expires_at > now())
         AND EXISTS (SELECT 1 FROM queues q WHERE q.id = $2)
       RETURNING f.id`,
      [flagIds, queue],
    );
    return rows.map((r) => r.id);
  }

  /** Of these waves, the raised ones. */
  async raised(manager: EntityManager, waveIds: string[]): Promise<Set<string>> {
    if (!waveIds.length) return new Set();
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM waves WHERE id = ANY($1::uuid[]) AND raised_at IS NOT NULL`,
      [waveIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Every member, not excluded, of these waves. */
  async memberIds(manager: EntityManager, waveIds: string[]): Promise<string[]> {
    if (!waveIds.length) return [];
    const rows: { flag_id: string }[] = await manager.query(
      `SELECT flag_id FROM wave_members WHERE wave_id = ANY($1::uuid[]) AND excluded_at IS NULL`,
      [waveIds],
    );
    return rows.map((r) => r.flag_id);
  }

  async summaries(
    manager: EntityManager,
    where: string,
    params: unknown[],
    limit: number,
  ): Promise<WaveSummaryRow[]> {
    return manager.query(
      `SELECT ${WAVE_SUMMARY_SELECT} WHERE ${where} AND s.size > 0
       ORDER BY w.raised_at IS NULL, s.size DESC, w.last_seen_at DESC LIMIT ${Number(limit)}`,
      params,
    );
  }
}
