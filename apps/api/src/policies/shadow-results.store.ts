import { Injectable } from '@nestjs/common';
import type { Decision, TriggeredCategory } from '@sieve/moderation';
import type { EntityManager } from 'typeorm';

export interface ShadowOutcome {
  scoredEventId: string;
  liveDecision: Decision;
  decision: Decision;
  triggered: TriggeredCategory[];
}

/**
 * What a draft running in shadow decided where the live version decided otherwise
 * (shadow_decisions). The ingest statement writes new events' rows in bulk; this keeps them
 * right when stored events are scored again.
 */
@Injectable()
export class ShadowResultsStore {
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
