import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { AppealSubmission } from '@sieve/moderation';
import type {
  AppealDecisionInput,
  AppealDto,
  AppealPageDto,
  AppealReceiptDto,
  AppealStatus,
} from '@sieve/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { decodeKeyset, encodeKeyset } from '../common/keyset-cursor';
import { StrikesService } from '../authors/strikes.service';
import { DECIDED_BY_A_PERSON } from '../flags/decided-by-a-person';
import { FlagStore } from '../flags/flag.store';
import { Appeal } from './entities/appeal.entity';

/** Who submitted an appeal: an API token (its principal) or the appeals topic. */
export type AppealSubmitter = Principal | { label: 'kafka' };

interface AppealRow {
  id: string;
  appeal_ref: string;
  source: string;
  event_id: string;
  flag_id: string;
  status: AppealStatus;
  statement: string;
  submitted_by: string;
  submitted_at: Date;
  appealed_kind: 'automatic' | 'reviewer';
  appealed_reason: string | null;
  original_reviewer_id: string | null;
  original_reviewer: string | null;
  appealed_at: Date | null;
  decided_by: string | null;
  decided_at: Date | null;
  outcome_reason: string | null;
  text: string;
  author_id: string;
  triggered: AppealDto['post']['triggered'];
  erased_at: Date | null;
}

/** Appeals with their post and the appealed decision; `extra` adds columns. */
const selectAppeals = (extra = '') => `
  SELECT ${extra} a.id, a.appeal_ref, a.source, e.event_id, a.flag_id, a.status, a.statement,
         a.submitted_by, a.submitted_at, a.appealed_kind, d.reason AS appealed_reason,
         a.original_reviewer_id, ou.display_name AS original_reviewer, d.created_at AS appealed_at,
         du.display_name AS decided_by, a.decided_at, a.outcome_reason,
         e.text, e.author_id, f.triggered, e.erased_at
  FROM appeals a
  JOIN flags f ON f.id = a.flag_id
  JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
  LEFT JOIN flag_decisions d ON d.id = a.appealed_decision_id
  LEFT JOIN users ou ON ou.id = a.original_reviewer_id
  LEFT JOIN users du ON du.id = a.decided_by`;

/**
 * Appeals against decisions that restrict a post: a reviewer's removal, or the pipeline's block
 * that no reviewer has overridden. One appeal per decision; the reviewer who made it may not
 * decide it; the outcome is published like any decision (kind `appeal`) and audited.
 */
@Injectable()
export class AppealsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly flags: FlagStore,
    private readonly strikes: StrikesService,
  ) {}

  async submit(
    input: AppealSubmission,
    submitter: AppealSubmitter,
    ip?: string,
  ): Promise<AppealReceiptDto> {
    return this.db.transaction(async (tx) => {
      const earlier = await this.byRef(tx, input.source, input.appealId);
      if (earlier) return { id: earlier.id, status: earlier.status, created: false };
      const target: {
        flag_id: string;
        status: string;
        final_action: string | null;
        auto_decision: string;
        decided_by: string | null;
        by_person: boolean;
        decision_id: string | null;
      }[] = await tx.query(
        `SELECT f.id AS flag_id, f.status, f.final_action, f.auto_decision, f.decided_by,
                ${DECIDED_BY_A_PERSON} AS by_person,
                (SELECT d.id FROM flag_decisions d
                 WHERE d.flag_id = f.id AND d.undone_at IS NULL AND d.action = 'remove'
                 ORDER BY d.created_at DESC LIMIT 1) AS decision_id
         FROM event_keys k JOIN flags f ON f.scored_event_id = k.scored_event_id AND f.copy_of IS NULL
         WHERE k.source = $1 AND k.event_id = $2
         FOR NO KEY UPDATE OF f`,
        [input.source, input.eventId],
      );
      const flag = target[0];
      if (!flag) {
        throw new NotFoundException({
          code: 'event_not_restricted',
          message: `no restricting decision on (${input.source}, ${input.eventId}): it was allowed, or never received`,
        });
      }
      const removed = flag.final_action === 'remove';
      const blocked = flag.final_action === null && flag.auto_decision === 'block';
      if (!removed && !blocked) {
        throw new ConflictException({
          code: 'not_appealable',
          message:
            flag.final_action === 'approve'
              ? 'the post was approved: there is nothing to appeal'
              : 'the post is waiting for review, not restricted: there is nothing to appeal yet',
        });
      }
      // A removal is a reviewer's only when a person made it: a block closed by gradual
      // automation, or a removal by precedent, is appealed as the automated decision it was.
      const byReviewer = removed && flag.by_person;
      const id = randomUUID();
      const inserted: { id: string }[] = await tx.query(
        `INSERT INTO appeals (id, source, appeal_ref, flag_id, appealed_kind, appealed_decision_id,
                              original_reviewer_id, statement, submitted_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          id,
          input.source,
          input.appealId,
          flag.flag_id,
          byReviewer ? 'reviewer' : 'automatic',
          removed ? flag.decision_id : null,
          byReviewer ? flag.decided_by : null,
          input.statement,
          'kind' in submitter && submitter.kind === 'token'
            ? `token:${submitter.label}`
            : submitter.label,
        ],
      );
      if (inserted.length === 0) {
        // Raced with the same appealId, or this decision was appealed already.
        const same = await this.byRef(tx, input.source, input.appealId);
        if (same) return { id: same.id, status: same.status, created: false };
        throw new ConflictException({
          code: 'already_appealed',
          message: 'this decision has been appealed already',
        });
      }
      await this.audit.record(
        {
          actor: 'kind' in submitter ? submitter : { label: submitter.label },
          action: 'appeal.submitted',
          objectType: 'flag',
          objectId: flag.flag_id,
          ip,
          details: { appealId: input.appealId, appeal: id },
        },
        tx,
      );
      return { id, status: 'open', created: true };
    });
  }

  async list(status: AppealStatus, limit = 50, cursor?: string): Promise<AppealPageDto> {
    const after = cursor ? decodeKeyset(cursor, ['at', 'id']) : null;
    const order = status === 'open' ? 'a.submitted_at' : 'a.decided_at';
    const direction = status === 'open' ? 'ASC' : 'DESC';
    const rows: (AppealRow & { cursor_at: string })[] = await this.db.query(
      `${selectAppeals(`to_char(${order} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,`)}
       WHERE a.status = $1
         ${after ? `AND (${order}, a.id) ${direction === 'ASC' ? '>' : '<'} ($3::timestamptz, $4::uuid)` : ''}
       ORDER BY ${order} ${direction}, a.id ${direction}
       LIMIT $2`,
      after ? [status, limit + 1, after.at, after.id] : [status, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDto),
      nextCursor:
        rows.length > limit && last ? encodeKeyset({ at: last.cursor_at, id: last.id }) : null,
    };
  }

  async get(id: string): Promise<AppealDto> {
    const rows: AppealRow[] = await this.db.query(`${selectAppeals()} WHERE a.id = $1`, [id]);
    if (!rows[0]) throw notFound();
    return toDto(rows[0]);
  }

  /** The appeals of one flag, oldest first, for its history. */
  async forFlag(flagId: string): Promise<AppealDto[]> {
    const rows: AppealRow[] = await this.db.query(
      `${selectAppeals()} WHERE a.flag_id = $1 ORDER BY a.submitted_at`,
      [flagId],
    );
    return rows.map(toDto);
  }

  async count(status: AppealStatus): Promise<number> {
    return this.db.getRepository(Appeal).countBy({ status });
  }

  async decide(
    id: string,
    reviewer: Principal,
    input: AppealDecisionInput,
    ip: string,
  ): Promise<AppealDto> {
    await this.db.transaction(async (tx) => {
      const appeal = await tx
        .getRepository(Appeal)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!appeal) throw notFound();
      if (appeal.status !== 'open') {
        throw new ConflictException({
          code: 'appeal_decided',
          message: `this appeal was ${appeal.status} already`,
        });
      }
      if (appeal.originalReviewerId === reviewer.id) {
        throw new ForbiddenException({
          code: 'original_reviewer',
          message: 'you made the appealed decision: another reviewer decides the appeal',
        });
      }
      const flag = await this.flags.lock(tx, appeal.flagId);
      const decisionId = randomUUID();
      const decidedAt = await this.flags.recordAppealOutcome(tx, flag, reviewer, {
        decisionId,
        appealId: appeal.appealRef,
        outcome: input.outcome,
        reason: input.reason,
      });
      await tx.getRepository(Appeal).update(
        { id },
        {
          status: input.outcome,
          decidedBy: reviewer.id,
          decidedAt,
          outcomeReason: input.reason,
        },
      );
      // An overturned removal no longer counts against the author.
      const [author] = (await tx.query(
        `SELECT e.source, e.author_id FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
         WHERE f.id = $1`,
        [appeal.flagId],
      )) as { source: string; author_id: string }[];
      await this.strikes.refresh(tx, [{ source: author.source, authorId: author.author_id }]);
      await this.audit.record(
        {
          actor: reviewer,
          action: 'appeal.decided',
          objectType: 'flag',
          objectId: appeal.flagId,
          ip,
          before: { appeal: id, status: 'open' },
          after: { appeal: id, status: input.outcome, reason: input.reason, decisionId },
        },
        tx,
      );
    });
    return this.get(id);
  }

  private byRef(tx: EntityManager, source: string, appealRef: string) {
    return tx.getRepository(Appeal).findOneBy({ source, appealRef });
  }
}

function notFound() {
  return new NotFoundException({ code: 'appeal_not_found', message: 'no such appeal' });
}

function toDto(row: AppealRow): AppealDto {
  return {
    id: row.id,
    appealId: row.appeal_ref,
    source: row.source,
    eventId: row.event_id,
    flagId: row.flag_id,
    status: row.status,
    statement: row.statement,
    submittedBy: row.submitted_by,
    submittedAt: row.submitted_at.toISOString(),
    appealed: {
      kind: row.appealed_kind,
      reason: row.appealed_reason,
      reviewerId: row.original_reviewer_id,
      reviewer: row.original_reviewer,
      decidedAt: row.appealed_at?.toISOString() ?? null,
    },
    decidedBy: row.decided_by,
    decidedAt: row.decided_at?.toISOString() ?? null,
    outcomeReason: row.outcome_reason,
    post: {
      text: row.text,
      authorId: row.author_id,
      triggered: row.triggered,
      erasedAt: row.erased_at?.toISOString() ?? null,
    },
  };
}
