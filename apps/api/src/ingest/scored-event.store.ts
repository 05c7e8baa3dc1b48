import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CategoryScores, ContentEvent, Decision, TriggeredCategory } from '@sieve/moderation';
import { DataSource } from 'typeorm';
import { notifyFlagEvent } from '../flags/flag-events.service';
import { type CachedScore, ScoreCacheStore } from '../scoring/score-cache.store';

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

export const keyOf = (k: EventKey) => JSON.stringify([k.source, k.eventId]);

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
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly scoreCache: ScoreCacheStore,
  ) {}

  /**
   * Inserts scored events, their flags and the batch's new score-cache entries in one
   * transaction. `(source, event_id)` is unique, so a replay or a concurrent consumer inserts
   * nothing twice. Returns what is stored for every key afterwards, whoever wrote it, and how
   * many rows this call inserted.
   */
  async insert(
    rows: NewScoredEvent[],
    newScores: { model: string; scores: CachedScore[] },
  ): Promise<{ stored: StoredDecision[]; inserted: NewScoredEvent[] }> {
    if (rows.length === 0) return { stored: [], inserted: [] };
    return this.db.transaction(async (tx) => {
      await this.scoreCache.save(tx, newScores.model, newScores.scores);
      const col = <T>(pick: (r: NewScoredEvent) => T) => rows.map(pick);
      const returned: { id: string; source: string; event_id: string; scored_at: Date }[] =
        await tx.query(
          `INSERT INTO scored_events (source, event_id, author_id, text, lang, context, event_created_at,
                                      model, scores, policy_version, decision, kafka_partition, kafka_offset)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
                                $7::timestamptz[], $8::text[], $9::jsonb[], $10::int[], $11::text[],
                                $12::int[], $13::bigint[])
           ON CONFLICT (source, event_id) DO NOTHING
           RETURNING id, source, event_id, scored_at`,
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
          ],
        );

      const byKey = new Map(
        rows.map((r) => [keyOf({ source: r.event.source, eventId: r.event.id }), r]),
      );
      const inserted = returned.map((row) => ({
        id: row.id,
        scoredAt: row.scored_at,
        row: byKey.get(keyOf({ source: row.source, eventId: row.event_id })) as NewScoredEvent,
      }));
      const flagged = inserted.filter((x) => x.row.decision !== 'allow');
      if (flagged.length > 0) {
        const created: { id: string }[] = await tx.query(
          `INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score)
           SELECT id, decision, ARRAY(SELECT jsonb_array_elements_text(categories)), triggered, max_score
           FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[], $5::real[])
             AS f(id, decision, categories, triggered, max_score)
           ON CONFLICT (scored_event_id) DO NOTHING
           RETURNING id`,
          [
            flagged.map((f) => f.id),
            flagged.map((f) => f.row.decision),
            flagged.map((f) => JSON.stringify(f.row.triggered.map((t) => t.category))),
            flagged.map((f) => JSON.stringify(f.row.triggered)),
            flagged.map((f) => f.row.maxScore),
          ],
        );
        const ids = created.map((r) => r.id);
        if (ids.length > 0) await notifyFlagEvent(tx, { type: 'flag.created', ids });
      }

      // Rows someone stored before (a replay, another consumer): publish what they stored.
      const insertedKeys = new Set(
        returned.map((r) => keyOf({ source: r.source, eventId: r.event_id })),
      );
      const others = rows.filter(
        (r) => !insertedKeys.has(keyOf({ source: r.event.source, eventId: r.event.id })),
      );
      const earlier: StoredDecision[] =
        others.length === 0
          ? []
          : await tx.query(STORED_DECISIONS_SQL, [
              others.map((r) => r.event.source),
              others.map((r) => r.event.id),
            ]);
      const stored: StoredDecision[] = [
        ...inserted.map(({ row, scoredAt }) => ({
          source: row.event.source,
          eventId: row.event.id,
          model: row.model,
          scores: row.scores,
          policyVersion: row.policyVersion,
          decision: row.decision,
          triggered: row.triggered,
          scoredAt,
        })),
        ...earlier,
      ];
      return { stored, inserted: inserted.map((x) => x.row) };
    });
  }
}
