import { Injectable, NotFoundException } from '@nestjs/common';
import type { FlagStatus, NoteDto } from '@sieve/contracts';
import {
  type AppealOutcome,
  type Highlights,
  type PrecedentGrounds,
  type ReviewerAction,
  type Route,
  SENIOR_QUEUE,
} from '@sieve/moderation';
import { type EntityManager, Not } from 'typeorm';
import {
  appealDecision,
  automaticDecision,
  type DecidedEvent,
  precedentDecision,
  reviewerDecision,
} from './decision-messages';
import { markStrikesForRecount } from '../authors/recount-strikes';
import { DecisionOutbox } from './decision-outbox';
import { FlagCountsRollup, type CountedFlag } from './flag-counts-rollup';
import { QualityCheckStore } from './quality-check.store';
import { FlagDecision } from './entities/flag-decision.entity';
import { Flag } from './entities/flag.entity';
import { FlagNote } from './entities/flag-note.entity';
import { FLAG_EVENTS_CHANNEL, NOTIFY_IDS, notifyFlagEvent } from './flag-events.service';

/** A flag under its row lock, with what its decision messages need. */
export interface LockedFlag {
  id: string;
  status: FlagStatus;
  queue: string;
  /** A quality check's blind copy (of this flag id): deciding it publishes nothing. */
  copyOf: string | null;
  hiddenFrom: string | null;
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

/** Sieve deciding by precedent under a policy version's rule (docs/waves.md): no person. */
export interface PrecedentDecider {
  precedent: PrecedentGrounds;
  policyVersion: number;
}

/** Who decides a flag: a reviewer, or Sieve following precedent. */
export type Decider = Actor | PrecedentDecider;

export interface LatestDecision {
  id: string;
  reviewerId: string | null;
  action: ReviewerAction;
  reason: string;
  statusBefore: FlagStatus;
  queueBefore: string | null;
  createdAt: Date;
  /** Still inside the undo window. */
  fresh: boolean;
}

/** A stored event whose (re)evaluation says it needs people, or no longer does. */
export interface RescoredEvent extends DecidedEvent {
  scoredEventId: string;
  maxScore: number;
  decidedAt: Date;
  /** Whether the decision changed, so the platform must hear of it. */
  changed: boolean;
  /** Where routing sends it (for allowed events, unused). */
  route: Route;
}

/**
 * The write model for flags, reviewer decisions and notes: every change to these tables, and
 * every decision message that announces one (through the outbox, in the same transaction), goes
 * through here — reviews, undo, bulk, rescore. Single rows go through the entities; the row lock
 * (with the event and the claimer's name) and rescore's bulk upsert are SQL. The ingest path
 * creates flags inside its one bulk statement with flagsForNewEvents, defined here too.
 */
@Injectable()
export class FlagStore {
  constructor(
    private readonly outbox: DecisionOutbox,
    private readonly qualityChecks: QualityCheckStore,
    private readonly counts: FlagCountsRollup,
  ) {}

  /**
   * Locks the flag for the rest of the transaction (NO KEY UPDATE: a flag's id never changes, and
   * it need not wait for transactions that only insert rows referencing it, like the grouping's).
   */
  async lock(tx: EntityManager, flagId: string): Promise<LockedFlag> {
    const rows: {
      id: string;
      status: FlagStatus;
      queue: string;
      copy_of: string | null;
      hidden_from: string | null;
      claimed_by: string | null;
      claim_active: boolean;
      claimer_name: string | null;
      event_id: string;
      source: string;
      policy_version: number;
    }[] = await tx.query(
      `SELECT f.id, f.status, f.queue, f.copy_of, f.hidden_from, f.claimed_by, COALESCE(f.claim_expires_at > now(), false) AS claim_active,
              u.display_name AS claimer_name, e.event_id, e.source, e.policy_version
       FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
       LEFT JOIN users u ON u.id = f.claimed_by
       WHERE f.id = $1 FOR NO KEY UPDATE OF f`,
      [flagId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundException(`Flag ${flagId} does not exist`);
    return {
      id: row.id,
      status: row.status,
      queue: row.queue,
      copyOf: row.copy_of,
      hiddenFrom: row.hidden_from,
      claimedBy: row.claimed_by,
      claimActive: row.claim_active,
      claimerName: row.claimer_name,
      eventId: row.event_id,
      source: row.source,
      policyVersion: row.policy_version,
    };
  }

  exists(tx: EntityManager, flagId: string): Promise<boolean> {
    return tx.getRepository(Flag).existsBy({ id: flagId });
  }

  /** Holds the flag for `reviewer` until the returned time. */
  async claim(
    tx: EntityManager,
    flag: LockedFlag,
    reviewer: Actor,
    leaseSeconds: number,
  ): Promise<Date> {
    const { raw } = await tx
      .getRepository(Flag)
      .createQueryBuilder()
      .update()
      .set({
        claimedBy: reviewer.id,
        claimExpiresAt: () => 'now() + make_interval(secs => :leaseSeconds)',
        firstClaimedAt: () => 'COALESCE(first_claimed_at, now())',
        updatedAt: () => 'now()',
      })
      .where('id = :id', { id: flag.id, leaseSeconds })
      .returning('claim_expires_at')
      .execute();
    if (!flag.claimActive || flag.claimedBy !== reviewer.id) await this.announceUpdate(tx, flag.id);
    return (raw as { claim_expires_at: Date }[])[0].claim_expires_at;
  }

  /** Lets go of the reviewer's claim; false when they held none on an undecided flag. */
  async release(tx: EntityManager, flagId: string, reviewer: Actor): Promise<boolean> {
    const { affected } = await tx
      .getRepository(Flag)
      .update(
        { id: flagId, claimedBy: reviewer.id, status: Not('decided') },
        { claimedBy: null, claimExpiresAt: null, updatedAt: () => 'now()' },
      );
    if (affected) await this.announceUpdate(tx, flagId);
    return !!affected;
  }

  /**
   * Records a reviewer's action on a locked flag, its note, and queues the decision message.
   * Escalating moves the flag to the senior queue (remembering where it was, for undo);
   * approving or removing decides it. On a quality check's copy, approving or removing is the
   * reviewer's answer to the check, and nothing goes to the platform. Sieve deciding by precedent
   * records no reviewer and publishes a `precedent` message with its grounds.
   */
  async recordDecision(
    tx: EntityManager,
    flag: LockedFlag,
    decider: Decider,
    decision: { action: ReviewerAction; reason: string; note?: string; contentRevealed?: boolean },
  ): Promise<{ decisionId: string; status: FlagStatus }> {
    const decided = decision.action !== 'escalate';
    const reviewer = 'precedent' in decider ? null : decider;
    const next: FlagStatus = decided ? 'decided' : 'escalated';
    await tx.getRepository(Flag).update(
      { id: flag.id },
      {
        status: next,
        ...(decided ? {} : { queue: SENIOR_QUEUE }),
        claimedBy: null,
        claimExpiresAt: null,
        updatedAt: () => 'now()',
        decidedBy: decided ? (reviewer?.id ?? null) : null,
        decidedAt: decided ? () => 'now()' : null,
        finalAction: decided ? (decision.action as 'approve' | 'remove') : null,
      },
    );
    const decisions = tx.getRepository(FlagDecision);
    const row = await decisions.save(
      decisions.create({
        flagId: flag.id,
        reviewerId: reviewer?.id ?? null,
        precedent: 'precedent' in decider ? decider.precedent : null,
        action: decision.action,
        reason: decision.reason,
        note: decision.note ?? null,
        contentRevealed: decision.contentRevealed ?? null,
        statusBefore: flag.status,
        queueBefore: decided ? null : flag.queue,
      }),
    );
    if (decision.note && reviewer) await this.addNote(tx, flag.id, reviewer, decision.note);
    await this.announceUpdate(tx, flag.id);
    if (!flag.copyOf) await markStrikesForRecount(tx, [flag.id]);
    if ('precedent' in decider) {
      const { precedent, policyVersion } = decider;
      await this.outbox.enqueue(tx, [
        precedentDecision({
          decisionId: row.id,
          eventId: flag.eventId,
          source: flag.source,
          action: decision.action as 'approve' | 'remove',
          reason: decision.reason,
          precedent,
          policyVersion,
          decidedAt: row.createdAt,
        }),
      ]);
      return { decisionId: row.id, status: next };
    }
    if (flag.copyOf) {
      if (decided)
        await this.qualityChecks.recordAnswer(
          tx,
          flag.id,
          decider.id,
          decision.action as 'approve' | 'remove',
        );
      return { decisionId: row.id, status: next };
    }
    await this.outbox.enqueue(tx, [
      reviewerDecision({
        decisionId: row.id,
        eventId: flag.eventId,
        source: flag.source,
        action: decision.action,
        reason: decision.reason,
        reviewerId: decider.id,
        policyVersion: flag.policyVersion,
        decidedAt: row.createdAt,
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
    // The window is judged by the database's clock, which stamped created_at.
    const { entities, raw } = await tx
      .getRepository(FlagDecision)
      .createQueryBuilder('d')
      .addSelect('d.created_at > now() - make_interval(secs => :window)', 'fresh')
      .where('d.flag_id = :flagId AND d.undone_at IS NULL', { flagId, window: undoWindowSeconds })
      .orderBy('d.created_at', 'DESC')
      .limit(1)
      .getRawAndEntities<{ fresh: boolean }>();
    const row = entities[0];
    if (!row) return null;
    return {
      id: row.id,
      reviewerId: row.reviewerId,
      action: row.action,
      reason: row.reason,
      statusBefore: row.statusBefore,
      queueBefore: row.queueBefore,
      createdAt: row.createdAt,
      fresh: raw[0].fresh,
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
    await tx.getRepository(FlagDecision).update({ id: latest.id }, { undoneAt: () => 'now()' });
    await tx
      .getRepository(Flag)
      .createQueryBuilder()
      .update()
      .set({
        status: latest.statusBefore,
        ...(latest.queueBefore ? { queue: latest.queueBefore } : {}),
        decidedBy: null,
        decidedAt: null,
        finalAction: null,
        claimedBy: reviewer.id,
        claimExpiresAt: () => 'now() + make_interval(secs => :leaseSeconds)',
        updatedAt: () => 'now()',
      })
      .where('id = :id', { id: flag.id, leaseSeconds })
      .execute();
    await this.announceUpdate(tx, flag.id);
    if (flag.copyOf) return this.qualityChecks.clearAnswer(tx, flag.id);
    await markStrikesForRecount(tx, [flag.id]);
    await this.qualityChecks.withdrawSecondReview(tx, flag.id);
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

  /** Moves an undecided flag to another queue; a claim on it ends (the new queue's people take it). */
  async move(tx: EntityManager, flag: LockedFlag, queue: string): Promise<void> {
    await tx
      .getRepository(Flag)
      .update(
        { id: flag.id },
        { queue, claimedBy: null, claimExpiresAt: null, updatedAt: () => 'now()' },
      );
    await this.announceUpdate(tx, flag.id);
  }

  /** Keeps the first computed highlights; a concurrent view computing them too changes nothing. */
  async keepHighlights(
    manager: EntityManager,
    flagId: string,
    highlights: Highlights,
  ): Promise<void> {
    await manager.query(`UPDATE flags SET highlights = $2 WHERE id = $1 AND highlights IS NULL`, [
      flagId,
      JSON.stringify(highlights),
    ]);
  }

  async addNote(tx: EntityManager, flagId: string, author: Actor, text: string): Promise<NoteDto> {
    const notes = tx.getRepository(FlagNote);
    const note = await notes.save(notes.create({ flagId, authorId: author.id, text }));
    return { id: note.id, text, author: author.label, createdAt: note.createdAt.toISOString() };
  }

  /**
   * After a rescore: flags for the events that now need people, exactly as ingest creates them
   * (announced as flag.created); open flags take the new scores and route (flag.updated); decided and
   * escalated ones keep their review. Every changed decision is queued for the platform, except
   * where a person's decision stands.
   * The caller has made the flagged events `kept` (every flag's event is: reads join it so).
   */
  async applyRescore(tx: EntityManager, events: RescoredEvent[]): Promise<void> {
    const flagged = events.filter((e) => e.decision !== 'allow');
    if (flagged.length > 0) {
      type Counted = { scored_event_id: string; created_at: Date } & CountedFlag;
      const counted = `scored_event_id, created_at, categories, triggered->0->>'category' AS top,
                       auto_decision = 'block' AS blocked`;
      // Locked first, so what they were counted as is what the upsert below changes.
      const before = new Map(
        (
          (await tx.query(
            `SELECT ${counted} FROM flags
             WHERE scored_event_id = ANY($1::uuid[]) AND copy_of IS NULL FOR NO KEY UPDATE`,
            [flagged.map((e) => e.scoredEventId)],
          )) as Counted[]
        ).map((r) => [r.scored_event_id, r]),
      );
      const rows: ({ id: string; created: boolean } & Counted)[] = await tx.query(
        `INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score,
                            queue, status, final_action, decided_at)
         SELECT (r->>0)::uuid, r->>1,
                ARRAY(SELECT t->>'category' FROM jsonb_array_elements(r->2) AS t),
                r->2, (r->>3)::real, r->>4,
                CASE WHEN (r->>5)::boolean THEN 'decided' ELSE 'open' END,
                CASE WHEN (r->>5)::boolean THEN 'remove' END,
                CASE WHEN (r->>5)::boolean THEN now() END
         FROM jsonb_array_elements($1::jsonb) AS r
         ON CONFLICT (scored_event_id) WHERE copy_of IS NULL DO UPDATE
           SET auto_decision = EXCLUDED.auto_decision, categories = EXCLUDED.categories,
               triggered = EXCLUDED.triggered, max_score = EXCLUDED.max_score,
               queue = EXCLUDED.queue, updated_at = now()
           WHERE flags.status = 'open'
         RETURNING id, (xmax = 0) AS created, ${counted}`,
        [
          JSON.stringify(
            flagged.map((e) => [
              e.scoredEventId,
              e.decision,
              e.triggered,
              e.maxScore,
              e.route.queue,
              e.route.closed,
            ]),
          ),
        ],
      );
      await this.counts.move(
        tx,
        rows.map((r) => ({
          createdAt: r.created_at,
          before: r.created ? null : (before.get(r.scored_event_id) ?? null),
          after: r,
        })),
      );
      const created = rows.filter((r) => r.created).map((r) => r.id);
      const updated = rows.filter((r) => !r.created).map((r) => r.id);
      if (created.length) await notifyFlagEvent(tx, { type: 'flag.created', ids: created });
      if (updated.length) await notifyFlagEvent(tx, { type: 'flag.updated', ids: updated });
      // A block the new decision lifts (or makes) changes the author's strikes.
      await markStrikesForRecount(
        tx,
        rows
          .filter((r) =>
            r.created ? r.blocked : r.blocked !== before.get(r.scored_event_id)?.blocked,
          )
          .map((r) => r.id),
      );
    }
    const changed = events.filter((e) => e.changed);
    const standing = await this.withStandingDecision(
      tx,
      changed.map((e) => e.scoredEventId),
    );
    await this.outbox.enqueue(
      tx,
      changed
        .filter((e) => !standing.has(e.scoredEventId))
        .map((e) => automaticDecision(e, e.decidedAt)),
    );
  }

  /**
   * Of these events, those whose flag has a decision that stands: a reviewer's, an appeal's or
   * one by precedent (decided or escalated, and not undone). A new automatic decision is not
   * published for them: a platform that keeps each post's latest message would undo it. A flag
   * closed by gradual automation has no such decision: the automatic one is all it has.
   */
  private async withStandingDecision(
    tx: EntityManager,
    scoredEventIds: string[],
  ): Promise<Set<string>> {
    if (scoredEventIds.length === 0) return new Set();
    const rows: { scored_event_id: string }[] = await tx.query(
      `SELECT f.scored_event_id FROM flags f
       WHERE f.scored_event_id = ANY($1::uuid[]) AND f.copy_of IS NULL
         AND f.status IN ('decided', 'escalated')
         AND (f.decided_by IS NOT NULL
              OR EXISTS (SELECT 1 FROM flag_decisions d WHERE d.flag_id = f.id AND d.undone_at IS NULL))`,
      [scoredEventIds],
    );
    return new Set(rows.map((r) => r.scored_event_id));
  }

  /**
   * An appeal's outcome on its locked flag: overturned, the post is approved; upheld, a human
   * has now confirmed the removal. Either way the flag is decided by the appeal's reviewer, and
   * the outcome is queued for the platform (kind `appeal`). The appealed decision stays in the
   * history.
   */
  async recordAppealOutcome(
    tx: EntityManager,
    flag: LockedFlag,
    reviewer: Actor,
    appeal: { decisionId: string; appealId: string; outcome: AppealOutcome; reason: string },
  ): Promise<Date> {
    const [{ now }]: { now: Date }[] = await tx.query(`SELECT now() AS now`);
    await tx.getRepository(Flag).update(
      { id: flag.id },
      {
        status: 'decided',
        claimedBy: null,
        claimExpiresAt: null,
        updatedAt: () => 'now()',
        decidedBy: reviewer.id,
        decidedAt: now,
        finalAction: appeal.outcome === 'overturned' ? 'approve' : 'remove',
      },
    );
    await this.announceUpdate(tx, flag.id);
    await this.outbox.enqueue(tx, [
      appealDecision({
        ...appeal,
        eventId: flag.eventId,
        source: flag.source,
        reviewerId: reviewer.id,
        policyVersion: flag.policyVersion,
        decidedAt: now,
      }),
    ]);
    return now;
  }

  private announceUpdate(tx: EntityManager, flagId: string): Promise<void> {
    return notifyFlagEvent(tx, { type: 'flag.updated', ids: [flagId] });
  }
}

/**
 * The ingest statement's part in flags (it writes a whole batch in one statement): given the
 * CTE `ins` (scored events it inserted: id, source, event_id, decision) and `input` (their
 * triggered categories, max score, routed queue, and whether automation closed them), creates their flags and announces them in NOTIFYs of
 * NOTIFY_IDS ids. `$channel` is the parameter holding FLAG_EVENTS_CHANNEL.
 */
export function flagsForNewEvents(channel: string): string {
  return `flagged AS (
    INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score, queue,
                       status, final_action, decided_at)
    SELECT ins.id, ins.decision,
           ARRAY(SELECT t->>'category' FROM jsonb_array_elements(input.triggered) AS t),
           input.triggered, input.max_score, COALESCE(input.queue, 'default'),
           CASE WHEN input.closed THEN 'decided' ELSE 'open' END,
           CASE WHEN input.closed THEN 'remove' END,
           CASE WHEN input.closed THEN now() END
    FROM ins JOIN input USING (source, event_id)
    WHERE ins.decision <> 'allow'
    ON CONFLICT (scored_event_id) WHERE copy_of IS NULL DO NOTHING
    RETURNING id
  ), notified AS (
    SELECT pg_notify(${channel}, json_build_object('type', 'flag.created', 'ids', json_agg(id))::text)
    FROM (SELECT id, (row_number() OVER () - 1) / ${NOTIFY_IDS} AS chunk FROM flagged) AS f
    GROUP BY chunk
  )`;
}

export { FLAG_EVENTS_CHANNEL };
