import { Injectable, NotFoundException } from '@nestjs/common';
import type { FlagStatus, NoteDto } from '@sieve/contracts';
import type {
  CategoryScores,
  Decision,
  ReviewerAction,
  TriggeredCategory,
} from '@sieve/moderation';
import type { EntityManager } from 'typeorm';
import { automaticDecision, reviewerDecision } from './decision-messages';
import { DecisionOutbox } from './decision-outbox';
import { FLAG_EVENTS_CHANNEL, notifyFlagEvent } from './flag-events.service';

/** A flag under its row lock, with what its decision messages need. */
export interface LockedFlag {
  id: string;
  status: FlagStatus;
  claimedBy: string | null;
  claimActive: boolean;
  claimerName: string | null;
  eventId: string;
  source: string;
  policyVersion: number;
}

export interface Actor {
  id: string;
  label: string;
}

export interface LatestDecision {
  id: string;
  reviewerId: string | null;
  action: ReviewerAction;
  reason: string;
  statusBefore: FlagStatus;
  createdAt: Date;
  /** Still inside the undo window. */
  fresh: boolean;
}

/** A stored event whose (re)evaluation says it needs people, or no longer does. */
export interface RescoredEvent {
  scoredEventId: string;
  source: string;
  eventId: string;
  model: string;
  scores: CategoryScores;
  policyVersion: number;
  decision: Decision;
  triggered: TriggeredCategory[];
  maxScore: number;
  decidedAt: Date;
  /** Whether the decision changed, so the platform must hear of it. */
  changed: boolean;
}

/**
 * The write model for flags, reviewer decisions and notes: every change to these tables, and
 * every decision message that announces one (through the outbox, in the same transaction), goes
 * through here — reviews, undo, bulk, rescore. The ingest path creates flags inside its one bulk
 * statement with FLAGS_FOR_NEW_EVENTS, defined here beside the rest.
 */
@Injectable()
export class FlagStore {
  constructor(private readonly outbox: DecisionOutbox) {}

  /** Locks the flag for the rest of the transaction. */
  async lock(tx: EntityManager, flagId: string): Promise<LockedFlag> {
    const rows: {
      id: string;
      status: FlagStatus;
      claimed_by: string | null;
      claim_active: boolean;
      claimer_name: string | null;
      event_id: string;
      source: string;
      policy_version: number;
    }[] = await tx.query(
      `SELECT f.id, f.status, f.claimed_by, COALESCE(f.claim_expires_at > now(), false) AS claim_active,
              u.display_name AS claimer_name, e.event_id, e.source, e.policy_version
       FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
       LEFT JOIN users u ON u.id = f.claimed_by
       WHERE f.id = $1 FOR UPDATE OF f`,
      [flagId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundException(`Flag ${flagId} does not exist`);
    return {
      id: row.id,
      status: row.status,
      claimedBy: row.claimed_by,
      claimActive: row.claim_active,
      claimerName: row.claimer_name,
      eventId: row.event_id,
      source: row.source,
      policyVersion: row.policy_version,
    };
  }

  async exists(tx: EntityManager, flagId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM flags WHERE id = $1`, [flagId]);
    return rows.length > 0;
  }

  /** Holds the flag for `reviewer` until the returned time. */
  async claim(
    tx: EntityManager,
    flag: LockedFlag,
    reviewer: Actor,
    leaseSeconds: number,
  ): Promise<Date> {
    const [[row]]: [{ expires_at: Date }[], number] = await tx.query(
      `UPDATE flags SET claimed_by = $2, claim_expires_at = now() + make_interval(secs => $3), updated_at = now()
       WHERE id = $1 RETURNING claim_expires_at AS expires_at`,
      [flag.id, reviewer.id, leaseSeconds],
    );
    if (!flag.claimActive || flag.claimedBy !== reviewer.id) await this.announceUpdate(tx, flag.id);
    return row.expires_at;
  }

  /** Lets go of the reviewer's claim; false when they held none on an undecided flag. */
  async release(tx: EntityManager, flagId: string, reviewer: Actor): Promise<boolean> {
    const [, count]: [unknown, number] = await tx.query(
      `UPDATE flags SET claimed_by = NULL, claim_expires_at = NULL, updated_at = now()
       WHERE id = $1 AND claimed_by = $2 AND status <> 'decided'`,
      [flagId, reviewer.id],
    );
    if (count > 0) await this.announceUpdate(tx, flagId);
    return count > 0;
  }

  /**
   * Records a reviewer's action on a locked flag, its note, and queues the decision message.
   * Escalating moves the flag to the senior queue; approving or removing decides it.
   */
  async recordDecision(
    tx: EntityManager,
    flag: LockedFlag,
    reviewer: Actor,
    decision: { action: ReviewerAction; reason: string; note?: string },
  ): Promise<{ decisionId: string; status: FlagStatus }> {
    const next: FlagStatus = decision.action === 'escalate' ? 'escalated' : 'decided';
    await tx.query(
      `UPDATE flags SET status = $2, claimed_by = NULL, claim_expires_at = NULL, updated_at = now(),
              decided_by = CASE WHEN $2 = 'decided' THEN $3::uuid END,
              decided_at = CASE WHEN $2 = 'decided' THEN now() END,
              final_action = CASE WHEN $2 = 'decided' THEN $4 END
       WHERE id = $1`,
      [flag.id, next, reviewer.id, decision.action],
    );
    const [row]: { id: string; created_at: Date }[] = await tx.query(
      `INSERT INTO flag_decisions (flag_id, reviewer_id, action, reason, note, status_before)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
      [flag.id, reviewer.id, decision.action, decision.reason, decision.note ?? null, flag.status],
    );
    if (decision.note) await this.addNote(tx, flag.id, reviewer, decision.note);
    await this.announceUpdate(tx, flag.id);
    await this.outbox.enqueue(tx, [
      reviewerDecision({
        decisionId: row.id,
        eventId: flag.eventId,
        source: flag.source,
        action: decision.action,
        reason: decision.reason,
        reviewerId: reviewer.id,
        policyVersion: flag.policyVersion,
        decidedAt: row.created_at,
        undone: false,
      }),
    ]);
    return { decisionId: row.id, status: next };
  }

  /** The latest decision on the flag that has not been undone. */
  async latestDecision(
    tx: EntityManager,
    flagId: string,
    undoWindowSeconds: number,
  ): Promise<LatestDecision | null> {
    const [row]: {
      id: string;
      reviewer_id: string | null;
      action: ReviewerAction;
      reason: string;
      status_before: FlagStatus;
      created_at: Date;
      fresh: boolean;
    }[] = await tx.query(
      `SELECT id, reviewer_id, action, reason, status_before, created_at,
              created_at > now() - make_interval(secs => $2) AS fresh
       FROM flag_decisions WHERE flag_id = $1 AND undone_at IS NULL
       ORDER BY created_at DESC LIMIT 1`,
      [flagId, undoWindowSeconds],
    );
    if (!row) return null;
    return {
      id: row.id,
      reviewerId: row.reviewer_id,
      action: row.action,
      reason: row.reason,
      statusBefore: row.status_before,
      createdAt: row.created_at,
      fresh: row.fresh,
    };
  }

  /**
   * Withdraws a decision: the flag goes back to the queue it came from, claimed by the reviewer
   * so they can decide again, and the platform hears the withdrawal (same decision id).
   */
  async undoDecision(
    tx: EntityManager,
    flag: LockedFlag,
    latest: LatestDecision,
    reviewer: Actor,
    leaseSeconds: number,
  ): Promise<void> {
    await tx.query(`UPDATE flag_decisions SET undone_at = now() WHERE id = $1`, [latest.id]);
    await tx.query(
      `UPDATE flags SET status = $2, decided_by = NULL, decided_at = NULL, final_action = NULL,
              claimed_by = $3, claim_expires_at = now() + make_interval(secs => $4), updated_at = now()
       WHERE id = $1`,
      [flag.id, latest.statusBefore, reviewer.id, leaseSeconds],
    );
    await this.announceUpdate(tx, flag.id);
    await this.outbox.enqueue(tx, [
      reviewerDecision({
        decisionId: latest.id,
        eventId: flag.eventId,
        source: flag.source,
        action: latest.action,
        reason: latest.reason,
        reviewerId: reviewer.id,
        policyVersion: flag.policyVersion,
        decidedAt: latest.createdAt,
        undone: true,
      }),
    ]);
  }

  async addNote(tx: EntityManager, flagId: string, author: Actor, text: string): Promise<NoteDto> {
    const [note]: { id: string; created_at: Date }[] = await tx.query(
      `INSERT INTO flag_notes (flag_id, author_id, text) VALUES ($1, $2, $3) RETURNING id, created_at`,
      [flagId, author.id, text],
    );
    return { id: note.id, text, author: author.label, createdAt: note.created_at.toISOString() };
  }

  /**
   * After a rescore: flags for the events that now need people, exactly as ingest creates them
   * (announced as flag.created); open flags take the new scores (flag.updated); decided and
   * escalated ones keep their review. Every changed decision is queued for the platform.
   */
  async applyRescore(tx: EntityManager, events: RescoredEvent[]): Promise<void> {
    const flagged = events.filter((e) => e.decision !== 'allow');
    if (flagged.length > 0) {
      const rows: { id: string; created: boolean }[] = await tx.query(
        `INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score)
         SELECT (r->>0)::uuid, r->>1,
                ARRAY(SELECT t->>'category' FROM jsonb_array_elements(r->2) AS t),
                r->2, (r->>3)::real
         FROM jsonb_array_elements($1::jsonb) AS r
         ON CONFLICT (scored_event_id) DO UPDATE
           SET auto_decision = EXCLUDED.auto_decision, categories = EXCLUDED.categories,
               triggered = EXCLUDED.triggered, max_score = EXCLUDED.max_score, updated_at = now()
           WHERE flags.status = 'open'
         RETURNING id, (xmax = 0) AS created`,
        [
          JSON.stringify(
            flagged.map((e) => [e.scoredEventId, e.decision, e.triggered, e.maxScore]),
          ),
        ],
      );
      const created = rows.filter((r) => r.created).map((r) => r.id);
      const updated = rows.filter((r) => !r.created).map((r) => r.id);
      for (let i = 0; i < created.length; i += NOTIFY_IDS) {
        await notifyFlagEvent(tx, { type: 'flag.created', ids: created.slice(i, i + NOTIFY_IDS) });
      }
      for (let i = 0; i < updated.length; i += NOTIFY_IDS) {
        await notifyFlagEvent(tx, { type: 'flag.updated', ids: updated.slice(i, i + NOTIFY_IDS) });
      }
    }
    await this.outbox.enqueue(
      tx,
      events.filter((e) => e.changed).map((e) => automaticDecision(e, e.decidedAt)),
    );
  }

  private announceUpdate(tx: EntityManager, flagId: string): Promise<void> {
    return notifyFlagEvent(tx, { type: 'flag.updated', ids: [flagId] });
  }
}

/** Ids per NOTIFY: its payload must stay under 8000 bytes. */
const NOTIFY_IDS = 100;

/**
 * The ingest statement's part in flags (it writes a whole batch in one statement): given the
 * CTE `ins` (scored events it inserted: id, source, event_id, decision) and `input` (their
 * triggered categories and max score), creates their flags and announces them in NOTIFYs of
 * NOTIFY_IDS ids. `$channel` is the parameter holding FLAG_EVENTS_CHANNEL.
 */
export function flagsForNewEvents(channel: string): string {
  return `flagged AS (
    INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score)
    SELECT ins.id, ins.decision,
           ARRAY(SELECT t->>'category' FROM jsonb_array_elements(input.triggered) AS t),
           input.triggered, input.max_score
    FROM ins JOIN input USING (source, event_id)
    WHERE ins.decision <> 'allow'
    ON CONFLICT (scored_event_id) DO NOTHING
    RETURNING id
  ), notified AS (
    SELECT pg_notify(${channel}, json_build_object('type', 'flag.created', 'ids', json_agg(id))::text)
    FROM (SELECT id, (row_number() OVER () - 1) / ${NOTIFY_IDS} AS chunk FROM flagged) AS f
    GROUP BY chunk
  )`;
}

export { FLAG_EVENTS_CHANNEL };
