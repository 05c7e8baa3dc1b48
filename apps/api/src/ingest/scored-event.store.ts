import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CategoryScores, ContentEvent, Decision, TriggeredCategory } from '@sieve/moderation';
import { DataSource } from 'typeorm';
import { FLAG_EVENTS_CHANNEL } from '../flags/flag-events.service';
import { type CachedScore, SCORE_CACHE_UPSERT } from '../scoring/score-cache.store';

export interface EventKey {
  source: string;
  eventId: string;
}

export interface NewScoredEvent {
  event: ContentEvent;
  model: string;
  scores: CategoryScores;
  policyVersion: number;
  decision: Decision;
  triggered: TriggeredCategory[];
  maxScore: number;
  partition: number;
  offset: string;
  /** Whether the scores came from the scorer now or from the score cache. */
  scoreSource: 'scorer' | 'cache';
  /** What a draft running in shadow would have decided, recorded without acting on it. */
  shadow: { version: number; decision: Decision; triggered: TriggeredCategory[] } | null;
}

/** What the pipeline needs back about a stored event to (re)publish its decision. */
export interface StoredDecision {
  source: string;
  eventId: string;
  model: string;
  scores: CategoryScores;
  policyVersion: number;
  decision: Decision;
  triggered: TriggeredCategory[];
  scoredAt: Date;
}

/** One string per (source, event id): the source's length keeps any two pairs apart. */
export const keyOf = (k: EventKey) => `${k.source.length}:${k.source}${k.eventId}`;

const STORED_DECISIONS_SQL = `
  SELECT e.source, e.event_id AS "eventId", e.model, e.scores, e.policy_version AS "policyVersion",
         e.decision, COALESCE(f.triggered, '[]'::jsonb) AS triggered, e.scored_at AS "scoredAt"
  FROM scored_events e
  JOIN unnest($1::text[], $2::text[]) AS k(source, event_id)
    ON e.source = k.source AND e.event_id = k.event_id
  LEFT JOIN flags f ON f.scored_event_id = e.id`;

/** Bulk, idempotent writes for the ingest path: one round trip per table per batch. */
@Injectable()
export class ScoredEventStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private queue: PendingWrite[] = [];
  private writing = 0;

  /**
   * Stores a batch — its score-cache entries, scored events, flags and the live-queue
   * notifications — atomically. `(source, event_id)` is unique, so a replay or a concurrent
   * consumer inserts nothing twice. Returns what is stored for every key afterwards, whoever
   * wrote it, and which rows this call inserted.
   *
   * Batches that arrive while earlier ones are being written are merged into the next
   * statement (group commit): many small Kafka batches cost few round trips and commits.
   */
  insert(
    rows: NewScoredEvent[],
    newScores: { model: string; scores: CachedScore[] },
  ): Promise<{ stored: StoredDecision[]; inserted: NewScoredEvent[] }> {
    if (rows.length === 0) return Promise.resolve({ stored: [], inserted: [] });
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, newScores, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.writing < CONCURRENT_WRITES && this.queue.length > 0) {
      const group: PendingWrite[] = [];
      let size = 0;
      while (
        this.queue.length > 0 &&
        (group.length === 0 || size + this.queue[0].rows.length <= ROWS_PER_WRITE)
      ) {
        const next = this.queue.shift() as PendingWrite;
        group.push(next);
        size += next.rows.length;
      }
      this.writing++;
      void this.writeGroup(group).finally(() => {
        this.writing--;
        this.drain();
      });
    }
  }

  private async writeGroup(group: PendingWrite[]): Promise<void> {
    try {
      const rows = new Map<string, NewScoredEvent>();
      const scores = new Map<string, CachedScore>();
      for (const write of group) {
        for (const row of write.rows) {
          const key = keyOf({ source: row.event.source, eventId: row.event.id });
          if (!rows.has(key)) rows.set(key, row);
        }
        for (const score of write.newScores.scores) scores.set(score.hash, score);
      }
      const { stored, insertedKeys } = await this.write(
        [...rows.values()],
        group[0].newScores.model,
        [...scores.values()],
      );
      for (const write of group) {
        const keys = write.rows.map((r) => keyOf({ source: r.event.source, eventId: r.event.id }));
        write.resolve({
          stored: keys.map((key) => stored.get(key) as StoredDecision),
          // Claimed once, so a key in two merged batches counts as inserted once.
          inserted: write.rows.filter((_, i) => insertedKeys.delete(keys[i])),
        });
      }
    } catch (error) {
      for (const write of group) write.reject(error);
    }
  }

  private async write(
    rows: NewScoredEvent[],
    cacheModel: string,
    cacheScores: CachedScore[],
  ): Promise<{ stored: Map<string, StoredDecision>; insertedKeys: Set<string> }> {
    const col = <T>(pick: (r: NewScoredEvent) => T) => rows.map(pick);
    const returned: { source: string; event_id: string; scored_at: Date }[] = await this.db.query(
      STORE_BATCH_SQL,
      [
        col((r) => r.event.source),
        col((r) => r.event.id),
        col((r) => r.event.authorId),
        col((r) => r.event.text),
        col((r) => r.event.lang ?? null),
        col((r) => (r.event.context ? JSON.stringify(r.event.context) : null)),
        col((r) => r.event.createdAt),
        col((r) => r.model),
        col((r) => JSON.stringify(r.scores)),
        col((r) => r.policyVersion),
        col((r) => r.decision),
        col((r) => r.partition),
        col((r) => r.offset),
        col((r) => JSON.stringify(r.triggered)),
        col((r) => r.maxScore),
        cacheModel,
        cacheScores.map((c) => c.hash),
        cacheScores.map((c) => c.model),
        cacheScores.map((c) => JSON.stringify(c.scores)),
        FLAG_EVENTS_CHANNEL,
        col((r) => r.shadow?.version ?? null),
        col((r) => r.shadow?.decision ?? null),
        col((r) => (r.shadow ? JSON.stringify(r.shadow.triggered) : null)),
      ],
    );

    const byKey = new Map(
      rows.map((r) => [keyOf({ source: r.event.source, eventId: r.event.id }), r]),
    );
    const stored = new Map<string, StoredDecision>();
    const insertedKeys = new Set<string>();
    for (const { source, event_id, scored_at } of returned) {
      const key = keyOf({ source, eventId: event_id });
      const row = byKey.get(key) as NewScoredEvent;
      byKey.delete(key);
      insertedKeys.add(key);
      stored.set(key, {
        source,
        eventId: event_id,
        model: row.model,
        scores: row.scores,
        policyVersion: row.policyVersion,
        decision: row.decision,
        triggered: row.triggered,
        scoredAt: scored_at,
      });
    }
    // Rows someone stored before (a replay, another consumer): publish what they stored.
    const others = [...byKey.values()];
    if (others.length > 0) {
      const earlier: StoredDecision[] = await this.db.query(STORED_DECISIONS_SQL, [
        others.map((r) => r.event.source),
        others.map((r) => r.event.id),
      ]);
      for (const e of earlier) stored.set(keyOf(e), e);
    }
    return { stored, insertedKeys };
  }
}

interface PendingWrite {
  rows: NewScoredEvent[];
  newScores: { model: string; scores: CachedScore[] };
  resolve: (result: { stored: StoredDecision[]; inserted: NewScoredEvent[] }) => void;
  reject: (error: unknown) => void;
}

/** Statements in flight at once; more would only contend for the same indexes. */
const CONCURRENT_WRITES = 2;
/** Rows merged into one statement at most. */
const ROWS_PER_WRITE = 4000;

/**
 * Data-modifying CTEs run as one statement (one implicit transaction). Flags are created for
 * the rows this statement inserted, and announced in NOTIFYs of at most 100 ids each
 * (a NOTIFY payload must stay under 8000 bytes). A draft in shadow gets its decision counts,
 * and the events where it differs from the live version.
 */
const STORE_BATCH_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
                         $7::timestamptz[], $8::text[], $9::jsonb[], $10::int[], $11::text[],
                         $12::int[], $13::bigint[], $14::jsonb[], $15::real[], $21::int[],
                         $22::text[], $23::jsonb[])
      AS i(source, event_id, author_id, text, lang, context, event_created_at, model, scores,
           policy_version, decision, kafka_partition, kafka_offset, triggered, max_score,
           shadow_version, shadow_decision, shadow_triggered)
  ), cache AS (
    INSERT INTO score_cache (model, text_hash, scored_model, scores)
    SELECT $16, decode(h, 'hex'), m, s FROM unnest($17::text[], $18::text[], $19::jsonb[]) AS c(h, m, s)
    ${SCORE_CACHE_UPSERT}
  ), ins AS (
    INSERT INTO scored_events (source, event_id, author_id, text, lang, context, event_created_at,
                               model, scores, policy_version, decision, kafka_partition, kafka_offset)
    SELECT source, event_id, author_id, text, lang, context, event_created_at, model, scores,
           policy_version, decision, kafka_partition, kafka_offset
    FROM input
    ON CONFLICT (source, event_id) DO NOTHING
    RETURNING id, source, event_id, scored_at, decision
  ), flagged AS (
    INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score)
    SELECT ins.id, ins.decision,
           ARRAY(SELECT t->>'category' FROM jsonb_array_elements(input.triggered) AS t),
           input.triggered, input.max_score
    FROM ins JOIN input USING (source, event_id)
    WHERE ins.decision <> 'allow'
    ON CONFLICT (scored_event_id) DO NOTHING
    RETURNING id
  ), shadowed AS (
    INSERT INTO shadow_decisions (scored_event_id, policy_version, live_decision, decision, triggered)
    SELECT ins.id, input.shadow_version, ins.decision, input.shadow_decision, input.shadow_triggered
    FROM ins JOIN input USING (source, event_id)
    WHERE input.shadow_version IS NOT NULL AND input.shadow_decision <> ins.decision
    ON CONFLICT DO NOTHING
  ), shadow_counted AS (
    INSERT INTO shadow_stats (policy_version, hour, live_decision, decision, events)
    SELECT input.shadow_version, date_trunc('hour', ins.scored_at), ins.decision,
           input.shadow_decision, count(*)
    FROM ins JOIN input USING (source, event_id)
    WHERE input.shadow_version IS NOT NULL
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (policy_version, hour, live_decision, decision)
      DO UPDATE SET events = shadow_stats.events + EXCLUDED.events
  ), notified AS (
    SELECT pg_notify($20, json_build_object('type', 'flag.created', 'ids', json_agg(id))::text)
    FROM (SELECT id, (row_number() OVER () - 1) / 100 AS chunk FROM flagged) AS f
    GROUP BY chunk
  )
  SELECT source, event_id, scored_at, (SELECT count(*) FROM notified) AS notifications FROM ins`;
