import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DECISION_FOR_ACTION,
  DEFAULT_REVIEW_REASONS,
  type ReviewerAction,
  type ReviewerDecisionMessage,
} from '@sieve/moderation';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hasRole, type Principal } from '../auth/roles';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { KafkaService } from '../kafka/kafka.service';
import type { BulkResultDto, ClaimDto, DecideFlagDto, NoteDto } from './dto/review.dto';
import type { FlagStatus } from '@sieve/contracts';
import { notifyFlagEvent } from './flag-events.service';

interface LockedFlag {
  id: string;
  status: FlagStatus;
  claimed_by: string | null;
  claim_active: boolean;
  claimer_name: string | null;
  event_id: string;
  source: string;
  policy_version: number;
}

/** Escalated flags go to the senior queue: policy admins and admins decide them. */
const SENIOR_ROLE = 'policy_admin' as const;

/**
 * Claims, decisions, undo and notes. A claim is a lease; deciding takes a row lock, so two
 * reviewers can never decide the same flag, and a reviewer can only decide a flag that is
 * unclaimed (claimed on the spot) or claimed by them.
 */
@Injectable()
export class ReviewService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly kafka: KafkaService,
  ) {}

  reasons(): Record<ReviewerAction, string[]> {
    return this.config.REVIEW_REASONS ?? DEFAULT_REVIEW_REASONS;
  }

  async claim(flagId: string, reviewer: Principal, ip: string): Promise<ClaimDto> {
    return this.db.transaction(async (tx) => {
      const flag = await this.lock(tx, flagId);
      this.assertCanAct(flag, reviewer);
      const [[row]]: [{ expires_at: Date }[], number] = await tx.query(
        `UPDATE flags SET claimed_by = $2, claim_expires_at = now() + make_interval(secs => $3), updated_at = now()
         WHERE id = $1 RETURNING claim_expires_at AS expires_at`,
        [flagId, reviewer.id, this.config.CLAIM_LEASE_SECONDS],
      );
      if (!flag.claim_active || flag.claimed_by !== reviewer.id) {
        await notifyFlagEvent(tx, { type: 'flag.updated', ids: [flagId] });
        await this.audit.record(
          { actor: reviewer, action: 'flag.claimed', objectType: 'flag', objectId: flagId, ip },
          tx,
        );
      }
      return {
        userId: reviewer.id,
        displayName: reviewer.label,
        expiresAt: row.expires_at.toISOString(),
      };
    });
  }

  async release(flagId: string, reviewer: Principal, ip: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [, count]: [unknown, number] = await tx.query(
        `UPDATE flags SET claimed_by = NULL, claim_expires_at = NULL, updated_at = now()
         WHERE id = $1 AND claimed_by = $2 AND status <> 'decided'`,
        [flagId, reviewer.id],
      );
      if (count > 0) {
        await notifyFlagEvent(tx, { type: 'flag.updated', ids: [flagId] });
        await this.audit.record(
          { actor: reviewer, action: 'flag.released', objectType: 'flag', objectId: flagId, ip },
          tx,
        );
      }
    });
  }

  async decide(
    flagId: string,
    reviewer: Principal,
    input: DecideFlagDto,
    ip: string,
  ): Promise<{ decisionId: string; status: FlagStatus }> {
    if (!this.reasons()[input.action].includes(input.reason)) {
      throw new BadRequestException({
        message: 'Validation failed',
        details: [
          {
            field: 'reason',
            errors: [`reason must be one of: ${this.reasons()[input.action].join(', ')}`],
          },
        ],
      });
    }
    const { message, status, decisionId } = await this.db.transaction(async (tx) => {
      const flag = await this.lock(tx, flagId);
      this.assertCanAct(flag, reviewer);
      if (input.action === 'escalate' && flag.status === 'escalated')
        throw new ConflictException('This flag is already escalated');
      const next: FlagStatus = input.action === 'escalate' ? 'escalated' : 'decided';
      await tx.query(
        `UPDATE flags SET status = $2, claimed_by = NULL, claim_expires_at = NULL, updated_at = now(),
                decided_by = CASE WHEN $2 = 'decided' THEN $3::uuid END,
                decided_at = CASE WHEN $2 = 'decided' THEN now() END,
                final_action = CASE WHEN $2 = 'decided' THEN $4 END
         WHERE id = $1`,
        [flagId, next, reviewer.id, input.action],
      );
      const [decision]: { id: string; created_at: Date }[] = await tx.query(
        `INSERT INTO flag_decisions (flag_id, reviewer_id, action, reason, note, status_before)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
        [flagId, reviewer.id, input.action, input.reason, input.note ?? null, flag.status],
      );
      if (input.note) await this.insertNote(tx, flagId, reviewer, input.note);
      await notifyFlagEvent(tx, { type: 'flag.updated', ids: [flagId] });
      await this.audit.record(
        {
          actor: reviewer,
          action: 'flag.decided',
          objectType: 'flag',
          objectId: flagId,
          ip,
          before: { status: flag.status },
          after: { status: next, action: input.action, reason: input.reason },
          details: { decisionId: decision.id },
        },
        tx,
      );
      return {
        status: next,
        decisionId: decision.id,
        message: this.message(
          flag,
          decision.id,
          reviewer,
          input.action,
          input.reason,
          decision.created_at,
          false,
        ),
      };
    });
    // After the commit, like automatic decisions: a crash here means a retry, never a phantom.
    await this.publish(message);
    return { decisionId, status };
  }

  /** Takes back the reviewer's latest decision on the flag, within UNDO_WINDOW_SECONDS. */
  async undo(flagId: string, reviewer: Principal, ip: string): Promise<{ status: FlagStatus }> {
    const { message, status } = await this.db.transaction(async (tx) => {
      const flag = await this.lock(tx, flagId);
      const [latest]: {
        id: string;
        reviewer_id: string | null;
        action: ReviewerAction;
        reason: string;
        status_before: FlagStatus;
        fresh: boolean;
        created_at: Date;
      }[] = await tx.query(
        `SELECT id, reviewer_id, action, reason, status_before, created_at,
                  created_at > now() - make_interval(secs => $2) AS fresh
           FROM flag_decisions WHERE flag_id = $1 AND undone_at IS NULL
           ORDER BY created_at DESC LIMIT 1`,
        [flagId, this.config.UNDO_WINDOW_SECONDS],
      );
      if (!latest || latest.reviewer_id !== reviewer.id)
        throw new ConflictException('You have no decision on this flag to undo');
      if (!latest.fresh)
        throw new ConflictException(
          `Decisions can be undone for ${this.config.UNDO_WINDOW_SECONDS} s only`,
        );
      await tx.query(`UPDATE flag_decisions SET undone_at = now() WHERE id = $1`, [latest.id]);
      // Back to the queue it came from, still claimed by the reviewer so they can decide again.
      await tx.query(
        `UPDATE flags SET status = $2, decided_by = NULL, decided_at = NULL, final_action = NULL,
                claimed_by = $3, claim_expires_at = now() + make_interval(secs => $4), updated_at = now()
         WHERE id = $1`,
        [flagId, latest.status_before, reviewer.id, this.config.CLAIM_LEASE_SECONDS],
      );
      await notifyFlagEvent(tx, { type: 'flag.updated', ids: [flagId] });
      await this.audit.record(
        {
          actor: reviewer,
          action: 'flag.decision_undone',
          objectType: 'flag',
          objectId: flagId,
          ip,
          before: { status: flag.status },
          after: { status: latest.status_before },
          details: { decisionId: latest.id },
        },
        tx,
      );
      return {
        status: latest.status_before,
        message: this.message(
          flag,
          latest.id,
          reviewer,
          latest.action,
          latest.reason,
          latest.created_at,
          true,
        ),
      };
    });
    await this.publish(message);
    return { status };
  }

  async addNote(flagId: string, author: Principal, text: string, ip: string): Promise<NoteDto> {
    return this.db.transaction(async (tx) => {
      const [exists]: unknown[] = await tx.query(`SELECT 1 FROM flags WHERE id = $1`, [flagId]);
      if (!exists) throw new NotFoundException(`Flag ${flagId} does not exist`);
      const note = await this.insertNote(tx, flagId, author, text);
      await this.audit.record(
        {
          actor: author,
          action: 'flag.note_added',
          objectType: 'flag',
          objectId: flagId,
          ip,
          details: { noteId: note.id },
        },
        tx,
      );
      return note;
    });
  }

  /** The same rules as one decision, applied to each flag on its own; one refusal does not stop the rest. */
  async bulkDecide(
    ids: string[],
    reviewer: Principal,
    input: DecideFlagDto,
    ip: string,
  ): Promise<BulkResultDto[]> {
    const results: BulkResultDto[] = [];
    for (const id of [...new Set(ids)]) {
      try {
        await this.decide(id, reviewer, input, ip);
        results.push({ id, outcome: 'decided' });
      } catch (error) {
        const status = error instanceof HttpException ? error.getStatus() : 500;
        if (status === 500) throw error;
        const outcome =
          status === 404
            ? 'not_found'
            : status === 403
              ? 'forbidden'
              : status === 400
                ? 'invalid'
                : 'conflict';
        results.push({ id, outcome, message: (error as Error).message });
      }
    }
    return results;
  }

  private async insertNote(
    tx: EntityManager,
    flagId: string,
    author: Principal,
    text: string,
  ): Promise<NoteDto> {
    const [note]: { id: string; created_at: Date }[] = await tx.query(
      `INSERT INTO flag_notes (flag_id, author_id, text) VALUES ($1, $2, $3) RETURNING id, created_at`,
      [flagId, author.id, text],
    );
    return { id: note.id, text, author: author.label, createdAt: note.created_at.toISOString() };
  }

  private async lock(tx: EntityManager, flagId: string): Promise<LockedFlag> {
    const [flag]: LockedFlag[] = await tx.query(
      `SELECT f.id, f.status, f.claimed_by, COALESCE(f.claim_expires_at > now(), false) AS claim_active,
              u.display_name AS claimer_name, e.event_id, e.source, e.policy_version
       FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
       LEFT JOIN users u ON u.id = f.claimed_by
       WHERE f.id = $1 FOR UPDATE OF f`,
      [flagId],
    );
    if (!flag) throw new NotFoundException(`Flag ${flagId} does not exist`);
    return flag;
  }

  private assertCanAct(flag: LockedFlag, reviewer: Principal): void {
    if (flag.status === 'decided')
      throw new ConflictException('This flag has already been decided');
    if (flag.status === 'escalated' && !hasRole(reviewer.role, SENIOR_ROLE)) {
      throw new ForbiddenException('Escalated flags are decided by policy admins and admins');
    }
    if (flag.claim_active && flag.claimed_by !== reviewer.id) {
      throw new ConflictException(
        `${flag.claimer_name ?? 'Another reviewer'} is reviewing this flag`,
      );
    }
  }

  private message(
    flag: LockedFlag,
    decisionId: string,
    reviewer: Principal,
    action: ReviewerAction,
    reason: string,
    decidedAt: Date,
    undone: boolean,
  ): ReviewerDecisionMessage {
    return {
      schemaVersion: 1,
      kind: 'reviewer',
      decisionId,
      eventId: flag.event_id,
      source: flag.source,
      action,
      decision: DECISION_FOR_ACTION[action],
      reason,
      reviewerId: reviewer.id,
      policyVersion: flag.policy_version,
      decidedAt: decidedAt.toISOString(),
      undone,
    };
  }

  private publish(message: ReviewerDecisionMessage): Promise<void> {
    return this.kafka.send(this.config.KAFKA_DECISIONS_TOPIC, [
      {
        key: message.eventId,
        value: JSON.stringify(message),
        headers: { source: message.source, kind: 'reviewer' },
      },
    ]);
  }
}
