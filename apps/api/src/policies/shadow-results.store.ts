import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ShadowReportDto } from '@sieve/contracts';
import type { Decision, TriggeredCategory } from '@sieve/moderation';
import type { DataSource, EntityManager } from 'typeorm';

export interface ShadowOutcome {
  scoredEventId: string;
  liveDecision: Decision;
  decision: Decision;
  triggered: TriggeredCategory[];
}

/**
 * What a draft running in shadow decided: decision counts per hour (shadow_stats) and the events
 * where it differs from the live version (shadow_decisions). The ingest statement writes new
 * events' rows in bulk; the rest goes through here.
 */
@Injectable()
export class ShadowResultsStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The counts per (live, shadow) decision pair, and the 20 latest events that differ. */
  async report(version: number): Promise<Pick<ShadowReportDto, 'matrix' | 'examples'>> {
    const [matrix, examples]: [ShadowReportDto['matrix'], ShadowReportDto['examples']] =
      await Promise.all([
        this.db.query(
          `SELECT live_decision AS "live", decision AS "shadow", sum(events)::int AS events
           FROM shadow_stats WHERE policy_version = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
          [version],
        ),
        this.db.query(
          `SELECT e.event_id AS "eventId", e.source, e.text, f.id AS "flagId",
                  s.live_decision AS "liveDecision", s.decision AS "shadowDecision",
                  ARRAY(SELECT t->>'category' FROM jsonb_array_elements(s.triggered) AS t) AS categories
           FROM shadow_decisions s
           JOIN scored_events e ON e.id = s.scored_event_id
           LEFT JOIN flags f ON f.scored_event_id = e.id AND f.copy_of IS NULL
           WHERE s.policy_version = $1
           ORDER BY s.created_at DESC LIMIT 20`,
          [version],
        ),
      ]);
    return { matrix, examples };
  }

  /** Forgets what the version's shadow run saw (it starts over or stops). */
  async clear(tx: EntityManager, version: number): Promise<void> {
    await tx.query(`DELETE FROM shadow_stats WHERE policy_version = $1`, [version]);
    await tx.query(`DELETE FROM shadow_decisions WHERE policy_version = $1`, [version]);
  }

  /** Events rescored while `version` runs in shadow: the rows follow their new decisions. */
  async recordRescored(
    tx: EntityManager,
    version: number,
    outcomes: ShadowOutcome[],
  ): Promise<void> {
    if (outcomes.length === 0) return;
    await tx.query(
      `WITH o AS (
         SELECT (r->>0)::uuid AS scored_event_id, r->>1 AS live_decision, r->>2 AS decision,
                r->3 AS triggered
         FROM jsonb_array_elements($2::jsonb) AS r
       ), gone AS (
         DELETE FROM shadow_decisions s USING o
         WHERE s.policy_version = $1 AND s.scored_event_id = o.scored_event_id
           AND o.decision = o.live_decision
       )
       INSERT INTO shadow_decisions (scored_event_id, policy_version, live_decision, decision, triggered)
       SELECT scored_event_id, $1, live_decision, decision, triggered FROM o
       WHERE decision <> live_decision
       ON CONFLICT (policy_version, scored_event_id) DO UPDATE
         SET live_decision = EXCLUDED.live_decision, decision = EXCLUDED.decision,
             triggered = EXCLUDED.triggered`,
      [
        version,
        JSON.stringify(
          outcomes.map((o) => [o.scoredEventId, o.liveDecision, o.decision, o.triggered]),
        ),
      ],
    );
  }
}

/**
 * The ingest statement's part in shadow results (it writes a whole batch in one statement):
 * given the CTEs `ins` (events it inserted: id, source, event_id, scored_at, decision) and
 * `input` (shadow_version, shadow_decision, shadow_triggered per event), counts the shadow
 * decisions per hour and keeps the events where the draft differs.
 */
export const SHADOW_RESULTS_FOR_NEW_EVENTS = `shadowed AS (
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
  )`;
