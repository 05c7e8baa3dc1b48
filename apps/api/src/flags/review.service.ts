import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DEFAULT_QUEUE,
  DEFAULT_REVIEW_REASONS,
  type ReviewerAction,
  sampled,
  SENIOR_QUEUE,
} from '@sieve/moderation';
import type { QueueRow } from '../queues/entities/queue.entity';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { QueuesService } from '../queues/queues.service';
import { User } from '../users/entities/user.entity';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { BulkResultDto, ClaimDto, DecideFlagDto, NoteDto } from './dto/review.dto';
import type { FlagStatus } from '@sieve/contracts';
import type { NextFlagQuery } from './dto/list-flags.query';
import { FlagStore, type LockedFlag } from './flag.store';
import { QualityCheckStore } from './quality-check.store';
import { FlagsService } from './flags.service';

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
    private readonly flags: FlagStore,
    private readonly queue: FlagsService,
    private readonly queues: QueuesService,
    private readonly qualityChecks: QualityCheckStore,
  ) {}

  reasons(): Record<ReviewerAction, string[]> {
    return this.config.REVIEW_REASONS ?? DEFAULT_REVIEW_REASONS;
  }

  async claim(flagId: string, reviewer: Principal, ip: string): Promise<ClaimDto> {
    return this.db.transaction(async (tx) => {
      const flag = await this.flags.lock(tx, flagId);
      await this.assertCanAct(flag, reviewer);
      const expiresAt = await this.flags.claim(tx, flag, reviewer, this.config.CLAIM_LEASE_SECONDS);
      if (!flag.claimActive || flag.claimedBy !== reviewer.id) {
        await this.audit.record(
          { actor: reviewer, action: 'flag.claimed', objectType: 'flag', objectId: flagId, ip },
          tx,
        );
      }
      return {
        userId: reviewer.id,
        displayName: reviewer.label,
        expiresAt: expiresAt.toISOString(),
      };
    });
  }

  /**
   * Claims the next flag of the reviewer's queue (filters and order; without a queue, of every
   * queue they work in) for them and returns its id, or null when the queue is empty. Two reviewers asking at once, on any replicas, never
   * get the same flag (FlagsService.pickNext skips rows being taken).
   */
  async next(
    query: NextFlagQuery,
    reviewer: Principal,
    ip: string,
  ): Promise<(ClaimDto & { flagId: string }) | null> {
    const all = await this.queues.all();
    let workable: QueueRow[];
    if (query.queue) {
      const queue = await this.queues.get(query.queue);
      this.queues.assertCanWork(queue, reviewer);
      workable = [queue];
    } else {
      workable = [...all.values()].filter((q) => this.queues.canWork(q, reviewer));
      if (query.status === 'escalated') workable = workable.filter((q) => q.id === SENIOR_QUEUE);
      if (query.status === 'escalated' && workable.length === 0)
        throw new ForbiddenException('The senior queue is for policy admins and admins');
    }
    if (workable.length === 0) return null;
    return this.db.transaction(async (tx) => {
      // Now and then a golden item, copied into the queue like any other item.
      const goldenQueue = workable.find((q) => q.id === DEFAULT_QUEUE) ?? workable[0];
      const golden =
        reviewer.kind === 'user' &&
        query.status !== 'escalated' &&
        Math.random() < goldenQueue.goldenRate
          ? await this.qualityChecks.serveGolden(tx, reviewer.id, goldenQueue.id)
          : null;
      const id =
        golden ??
        (await this.queue.pickNext(tx, query, {
          exceptId: query.after ?? null,
          queues: workable.map((q) => q.id),
          ordering: workable.length === 1 ? workable[0].ordering : 'oldest',
          reviewerId: reviewer.id,
        }));
      if (!id) return null;
      const flag = await this.flags.lock(tx, id);
      const expiresAt = await this.flags.claim(tx, flag, reviewer, this.config.CLAIM_LEASE_SECONDS);
      await this.audit.record(
        { actor: reviewer, action: 'flag.claimed', objectType: 'flag', objectId: id, ip },
        tx,
      );
      return {
        flagId: id,
        userId: reviewer.id,
        displayName: reviewer.label,
        expiresAt: expiresAt.toISOString(),
      };
    });
  }

  async release(flagId: string, reviewer: Principal, ip: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (await this.flags.release(tx, flagId, reviewer)) {
        await this.audit.record(
          { actor: reviewer, action: 'flag.released', objectType: 'flag', objectId: flagId, ip },
          tx,
        );
      }
    });
  }

  /**
   * The decision and its message for the platform commit together (the outbox): once this
   * returns, the platform will hear of it, whatever the broker is doing now.
   */
  async decide(
    flagId: string,
    reviewer: Principal,
    input: DecideFlagDto,
    ip: string,
  ): Promise<{ decisionId: string; status: FlagStatus }> {
    this.assertReason(input);
    return this.db.transaction(async (tx) => {
      const flag = await this.flags.lock(tx, flagId);
      await this.assertCanAct(flag, reviewer);
      if (input.action === 'escalate' && flag.status === 'escalated')
        throw new ConflictException('This flag is already escalated');
      const { decisionId, status } = await this.flags.recordDecision(tx, flag, reviewer, input);
      if (
        input.action !== 'escalate' &&
        !flag.copyOf &&
        reviewer.kind === 'user' &&
        sampled(decisionId, (await this.queues.get(flag.queue)).secondReviewRate)
      )
        await this.qualityChecks.requestSecondReview(tx, flagId, input.action, reviewer.id);
      await this.audit.record(
        {
          actor: reviewer,
          action: 'flag.decided',
          objectType: 'flag',
          objectId: flagId,
          ip,
          before: { status: flag.status },
          after: { status, action: input.action, reason: input.reason },
          details: { decisionId },
        },
        tx,
      );
      return { decisionId, status };
    });
  }

  /**
   * Decides each flag with the single-flag rules inside the caller's transaction, which audits
   * the whole (a wave: one audited decision over many flags, one message per flag). Flags are
   * locked in id order, so two callers over overlapping sets cannot deadlock. Flags that cannot
   * be decided (decided already, held by someone else, not the reviewer's queue) are left as
   * they are and returned with why.
   */
  async decideEach(
    tx: EntityManager,
    flagIds: string[],
    reviewer: Principal,
    input: DecideFlagDto,
  ): Promise<{ decided: string[]; skipped: { flagId: string; reason: string }[] }> {
    this.assertReason(input);
    const decided: string[] = [];
    const skipped: { flagId: string; reason: string }[] = [];
    for (const flagId of [...new Set(flagIds)].sort()) {
      try {
        const flag = await this.flags.lock(tx, flagId);
        await this.assertCanAct(flag, reviewer);
        await this.flags.recordDecision(tx, flag, reviewer, input);
        decided.push(flagId);
      } catch (error) {
        if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
        skipped.push({ flagId, reason: error.message });
      }
    }
    return { decided, skipped };
  }

  /** Takes back the reviewer's latest decision on the flag, within UNDO_WINDOW_SECONDS. */
  async undo(flagId: string, reviewer: Principal, ip: string): Promise<{ status: FlagStatus }> {
    return this.db.transaction(async (tx) => {
      const flag = await this.flags.lock(tx, flagId);
      const latest = await this.flags.latestDecision(tx, flagId, this.config.UNDO_WINDOW_SECONDS);
      if (!latest || latest.reviewerId !== reviewer.id)
        throw new ConflictException('You have no decision on this flag to undo');
      if (!latest.fresh)
        throw new ConflictException(
          `Decisions can be undone for ${this.config.UNDO_WINDOW_SECONDS} s only`,
        );
      // Once the author has appealed the decision, the appeal decides it: undone, the appeal
      // would stand against a decision that no longer exists.
      const appealed: unknown[] = await tx.query(
        `SELECT 1 FROM appeals WHERE appealed_decision_id = $1 LIMIT 1`,
        [latest.id],
      );
      if (appealed.length > 0)
        throw new ConflictException({
          code: 'appealed',
          message: 'The author has appealed this decision: the appeal decides it now',
        });
      await this.flags.undoDecision(tx, flag, latest, reviewer, this.config.CLAIM_LEASE_SECONDS);
      await this.audit.record(
        {
          actor: reviewer,
          action: 'flag.decision_undone',
          objectType: 'flag',
          objectId: flagId,
          ip,
          before: { status: flag.status },
          after: { status: latest.statusBefore },
          details: { decisionId: latest.id },
        },
        tx,
      );
      return { status: latest.statusBefore };
    });
  }

  async addNote(flagId: string, author: Principal, text: string, ip: string): Promise<NoteDto> {
    return this.db.transaction(async (tx) => {
      if (!(await this.flags.exists(tx, flagId)))
        throw new NotFoundException(`Flag ${flagId} does not exist`);
      const note = await this.flags.addNote(tx, flagId, author, text);
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

  /**
   * Moves an undecided flag to another queue: its leads (or policy admins) may; the reason is
   * audited. A claim on it ends.
   */
  async move(
    flagId: string,
    who: Principal,
    input: { queue: string; reason: string },
    ip: string,
  ): Promise<{ queue: string }> {
    const target = await this.queues.get(input.queue);
    return this.db.transaction(async (tx) => {
      const flag = await this.flags.lock(tx, flagId);
      if (flag.status === 'decided')
        throw new ConflictException('This flag has already been decided');
      this.queues.assertLead(await this.queues.get(flag.queue), who);
      if (flag.queue === target.id) return { queue: target.id };
      await this.flags.move(tx, flag, target.id);
      await this.audit.record(
        {
          actor: who,
          action: 'flag.moved',
          objectType: 'flag',
          objectId: flagId,
          ip,
          before: { queue: flag.queue },
          after: { queue: target.id },
          details: { reason: input.reason },
        },
        tx,
      );
      return { queue: target.id };
    });
  }

  /**
   * A queue lead gives an undecided item to a member who can decide it: it is claimed for them
   * (a lease, as if they had opened it), taking it from whoever held it.
   */
  async assign(flagId: string, lead: Principal, userId: string, ip: string): Promise<ClaimDto> {
    const user = await this.db.getRepository(User).findOneBy({ id: userId });
    if (!user || user.disabled || user.kind !== 'person')
      throw new UnprocessableEntityException({
        message: 'Items can be assigned to active people only',
        code: 'assignee_unavailable',
      });
    return this.db.transaction(async (tx) => {
      const flag = await this.flags.lock(tx, flagId);
      if (flag.status === 'decided')
        throw new ConflictException('This flag has already been decided');
      const queue = await this.queues.get(flag.queue);
      this.queues.assertLead(queue, lead);
      const assignee: Principal = {
        kind: 'user',
        id: user.id,
        label: user.displayName,
        role: user.role,
        csrfToken: null,
        sessionId: null,
      };
      if (!this.queues.canWork(queue, assignee))
        throw new UnprocessableEntityException({
          message: `${user.displayName} cannot decide items in "${queue.name}"`,
          code: 'assignee_not_member',
        });
      const expiresAt = await this.flags.claim(
        tx,
        { ...flag, claimActive: false },
        assignee,
        this.config.CLAIM_LEASE_SECONDS,
      );
      await this.audit.record(
        {
          actor: lead,
          action: 'flag.assigned',
          objectType: 'flag',
          objectId: flagId,
          ip,
          before: { claimedBy: flag.claimActive ? flag.claimedBy : null },
          after: { claimedBy: user.id },
        },
        tx,
      );
      return { userId: user.id, displayName: user.displayName, expiresAt: expiresAt.toISOString() };
    });
  }

  private assertReason(input: DecideFlagDto): void {
    if (this.reasons()[input.action].includes(input.reason)) return;
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

  private async assertCanAct(flag: LockedFlag, reviewer: Principal): Promise<void> {
    if (flag.status === 'decided')
      throw new ConflictException('This flag has already been decided');
    this.queues.assertCanWork(await this.queues.get(flag.queue), reviewer);
    if (flag.hiddenFrom === reviewer.id)
      throw new ForbiddenException({
        message: 'You decided this post before; another reviewer looks at it again',
        code: 'decided_before',
      });
    if (flag.claimActive && flag.claimedBy !== reviewer.id) {
      throw new ConflictException(
        `${flag.claimerName ?? 'Another reviewer'} is reviewing this flag`,
      );
    }
  }
}
