import { Injectable } from '@nestjs/common';
import {
  type Judgement,
  type JudgeOutcome,
  type JudgeTarget,
  storableText,
  type UnjudgedReason,
} from '@sieve/moderation';
import type { EntityManager } from 'typeorm';
import type { ItemOutcome } from './judging.service';

/** One event's answer (or non-answer) on one category, as it is stored. */
export interface JudgedPair {
  scoredEventId: string;
  target: JudgeTarget;
  outcome: ItemOutcome;
  /** The category runs in shadow mode: recorded, not acted on. */
  shadow: boolean;
}

/** What the pure policy code needs of an outcome: an API failure counts as `judge_failed`. */
export function toJudgeOutcome(category: string, outcome: ItemOutcome): JudgeOutcome {
  return outcome.kind === 'judged'
    ? { category, judged: true, judgement: outcome.judgement }
    : {
        category,
        judged: false,
        reason: outcome.kind === 'failed' ? 'judge_failed' : outcome.reason,
      };
}

/** The judgements table's one writer: the judge worker and rescore's re-judging both store here. */
@Injectable()
export class JudgementStore {
  /** What the judge said (or why it could not) about each event, shadow categories left out. */
  async outcomesOf(tx: EntityManager, ids: string[]): Promise<Map<string, JudgeOutcome[]>> {
    const rows: (Judgement & {
      id: string;
      category: string;
      judged: boolean;
      reason: UnjudgedReason;
    })[] = await tx.query(
      `SELECT scored_event_id AS id, category, judged, unjudged_reason AS reason, violates, score,
              confidence, evidence, COALESCE(rationale, '') AS rationale,
              dropped_evidence AS "droppedEvidence", post_addresses_model AS "postAddressesModel"
         FROM judgements WHERE scored_event_id = ANY($1::uuid[]) AND NOT shadow`,
      [ids],
    );
    const byEvent = new Map<string, JudgeOutcome[]>();
    for (const { id, category, judged, reason, ...judgement } of rows) {
      byEvent.set(id, [
        ...(byEvent.get(id) ?? []),
        judged ? { category, judged, judgement } : { category, judged, reason },
      ]);
    }
    return byEvent;
  }

  /** Upserts one row per (event, category): a later answer replaces an earlier one. */
  async save(
    tx: EntityManager,
    pairs: JudgedPair[],
    policyVersion: number,
    judge: string,
  ): Promise<void> {
    if (pairs.length === 0) return;
    const rows = pairs.map(({ scoredEventId, target, outcome, shadow }) => {
      const judgement = outcome.kind === 'judged' ? outcome.judgement : null;
      return [
        scoredEventId,
        target.category,
        target.version,
        policyVersion,
        outcome.kind === 'judged',
        outcome.kind === 'judged'
          ? null
          : outcome.kind === 'failed'
            ? 'judge_failed'
            : outcome.reason,
        judgement?.violates ?? null,
        judgement?.score ?? null,
        judgement?.confidence ?? null,
        judgement?.evidence ?? [],
        judgement?.rationale ??
          (outcome.kind === 'judged' ? null : storableText(outcome.detail, 500)),
        judgement?.droppedEvidence ?? 0,
        judgement?.postAddressesModel ?? false,
        judge,
        outcome.kind === 'judged' && outcome.cached,
        shadow,
        outcome.kind === 'judged' ? outcome.costUsd : 0,
      ];
    });
    await tx.query(
      `INSERT INTO judgements (scored_event_id, category, target_version, policy_version, judged,
                               unjudged_reason, violates, score, confidence, evidence, rationale,
                               dropped_evidence, post_addresses_model, judge, cached, shadow, cost_usd)
       SELECT (r->>0)::uuid, r->>1, r->>2, (r->>3)::int, (r->>4)::boolean, r->>5,
              (r->>6)::boolean, (r->>7)::real, (r->>8)::real, r->9, r->>10, (r->>11)::int,
              (r->>12)::boolean, r->>13, (r->>14)::boolean, (r->>15)::boolean, (r->>16)::float8
         FROM jsonb_array_elements($1::jsonb) AS r
       ON CONFLICT (scored_event_id, category) DO UPDATE SET
         target_version = EXCLUDED.target_version, policy_version = EXCLUDED.policy_version,
         judged = EXCLUDED.judged, unjudged_reason = EXCLUDED.unjudged_reason,
         violates = EXCLUDED.violates, score = EXCLUDED.score, confidence = EXCLUDED.confidence,
         evidence = EXCLUDED.evidence, rationale = EXCLUDED.rationale,
         dropped_evidence = EXCLUDED.dropped_evidence,
         post_addresses_model = EXCLUDED.post_addresses_model, judge = EXCLUDED.judge,
         cached = EXCLUDED.cached, shadow = EXCLUDED.shadow, cost_usd = EXCLUDED.cost_usd,
         created_at = now()`,
      [JSON.stringify(rows)],
    );
  }
}
