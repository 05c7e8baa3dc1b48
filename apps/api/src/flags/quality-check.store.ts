import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { notifyFlagEvent } from './flag-events.service';

/** The original's strongest triggered category (`f` is the original flag). */
const TOP_CATEGORY = `(SELECT t->>'category' FROM jsonb_array_elements(f.triggered) AS t
                       ORDER BY (t->>'score')::float8 DESC LIMIT 1)`;

/**
 * Blind copies for quality checks, written with the flags they copy: a copy is a flag of the
 * same scored event, in a queue, looking like any other (its own empty history); deciding it
 * records the reviewer's answer here and publishes nothing (FlagStore).
 */
@Injectable()
export class QualityCheckStore {
  /**
   * A golden item for `reviewerId` now, copied into `queue` and claimed by the caller, or null
   * when none is due: active, never served to them, and not an item they decided themselves.
   */
  async serveGolden(tx: EntityManager, reviewerId: string, queue: string): Promise<string | null> {
    const rows: { id: string }[] = await tx.query(
      `WITH golden AS (
         SELECT g.id, g.flag_id, g.expected_action FROM golden_items g JOIN flags o ON o.id = g.flag_id
         JOIN scored_events e ON e.id = o.scored_event_id AND e.kept AND e.erased_at IS NULL
         WHERE g.active AND o.decided_by IS DISTINCT FROM $1
           AND NOT EXISTS (SELECT 1 FROM quality_checks q WHERE q.golden_item_id = g.id AND q.served_to = $1)
         ORDER BY random() LIMIT 1),
       copy AS (${copyFlagSql('(SELECT flag_id FROM golden)', '$2', 'NULL::uuid')})
       INSERT INTO quality_checks (kind, copy_flag_id, original_flag_id, golden_item_id, category, expected_action, served_to)
       SELECT 'golden', copy.id, golden.flag_id, golden.id, copy.category, golden.expected_action, $1
       FROM copy, golden
       RETURNING copy_flag_id AS id`,
      [reviewerId, queue],
    );
    if (rows.length === 0) return null;
    await notifyFlagEvent(tx, { type: 'flag.created', ids: [rows[0].id] });
    return rows[0].id;
  }

  /**
   * The decision `decisionAction` by `firstReviewerId`, to be made again blind in the same queue;
   * null for an erased post, which nobody can judge again.
   */
  async requestSecondReview(
    tx: EntityManager,
    flagId: string,
    decisionAction: 'approve' | 'remove',
    firstReviewerId: string,
  ): Promise<string | null> {
    const [row]: { id: string }[] = await tx.query(
      `WITH copy AS (${copyFlagSql('$1::uuid', '(SELECT queue FROM flags WHERE id = $1)', '$3::uuid')})
       INSERT INTO quality_checks (kind, copy_flag_id, original_flag_id, category, expected_action, first_reviewer_id)
       SELECT 'second_review', copy.id, $1, copy.category, $2, $3 FROM copy
       RETURNING copy_flag_id AS id`,
      [flagId, decisionAction, firstReviewerId],
    );
    if (!row) return null;
    await notifyFlagEvent(tx, { type: 'flag.created', ids: [row.id] });
    return row.id;
  }

  /** An undone decision is not reviewed a second time: its copy goes, unless already decided. */
  async withdrawSecondReview(tx: EntityManager, flagId: string): Promise<void> {
    await tx.query(
      `DELETE FROM flags WHERE id IN (
         SELECT copy_flag_id FROM quality_checks
         WHERE original_flag_id = $1 AND kind = 'second_review' AND decided_at IS NULL)`,
      [flagId],
    );
  }

  async recordAnswer(
    tx: EntityManager,
    copyFlagId: string,
    reviewerId: string,
    action: 'approve' | 'remove',
  ): Promise<void> {
    await tx.query(
      `UPDATE quality_checks SET reviewer_id = $2, action = $3, decided_at = now() WHERE copy_flag_id = $1`,
      [copyFlagId, reviewerId, action],
    );
  }

  async clearAnswer(tx: EntityManager, copyFlagId: string): Promise<void> {
    await tx.query(
      `UPDATE quality_checks SET reviewer_id = NULL, action = NULL, decided_at = NULL WHERE copy_flag_id = $1`,
      [copyFlagId],
    );
  }
}

/**
 * A CTE body: copies flag `original` (an SQL expression) into `queue`, open; returns id, category.
 * Nothing for an erased post: a blind check of a post nobody can read checks nothing.
 */
function copyFlagSql(original: string, queue: string, hiddenFrom: string): string {
  return `INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score, queue,
                             highlights, copy_of, hidden_from)
          SELECT f.scored_event_id, f.auto_decision, f.categories, f.triggered, f.max_score, ${queue},
                 f.highlights, f.id, ${hiddenFrom}
          FROM flags f
          WHERE f.id = ${original}
            AND NOT EXISTS (SELECT 1 FROM scored_events e
                            WHERE e.id = f.scored_event_id AND e.kept AND e.erased_at IS NOT NULL)
          RETURNING id, ${TOP_CATEGORY.replaceAll('f.triggered', 'triggered')} AS category`;
}
