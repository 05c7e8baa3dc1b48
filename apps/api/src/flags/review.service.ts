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
import { DEFAULT_REVIEW_REASONS, type ReviewerAction } from '@sieve/moderation';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hasRole, type Principal } from '../auth/roles';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { BulkResultDto, ClaimDto, DecideFlagDto, NoteDto } from './dto/review.dto';
import type { FlagStatus } from '@sieve/contracts';
import type { NextFlagQuery } from './dto/list-flags.query';
import { FlagStore, type LockedFlag } from './flag.store';
import { FlagsService } from './flags.service';

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
    private readonly flags: FlagStore,
    private readonly queue: FlagsService,
  ) {}

  reasons(): Record<ReviewerAction, string[]> {
    return this.config.REVIEW_REASONS ?? DEFAULT_REVIEW_REASONS;
  }

  async claim(flagId: string, reviewer: Principal, ip: string): Promise<ClaimDto> {
    return this.db.transaction(async (tx) => {
      const flag = await this.flags.lock(tx, flagId);
      this.assertCanAct(flag, reviewer);
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
   * Claims the next flag of the reviewer's queue (filters and order) for them and returns its
   * id, or null when the queue is empty. Two reviewers asking at once, on any replicas, never
   * get the same flag (FlagsService.pickNext skips rows being taken).
   */
  async next(
    query: NextFlagQuery,
    reviewer: Principal,
    ip: string,
  ): Promise<(ClaimDto & { flagId: string }) | null> {
    if (query.status === 'escalated' && !hasRole(reviewer.role, SENIOR_ROLE))
      throw new ForbiddenException('The senior queue is for policy admins and admins');
    return this.db.transaction(async (tx) => {
      const id = await this.queue.pickNext(tx, query, query.after ?? null);
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
    return this.db.transaction(async (tx) => {
      const flag = await this.flags.lock(tx, flagId);
      this.assertCanAct(flag, reviewer);
      if (input.action === 'escalate' && flag.status === 'escalated')
        throw new ConflictException('This flag is already escalated');
      const { decisionId, status } = await this.flags.recordDecision(tx, flag, reviewer, input);
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

  private assertCanAct(flag: LockedFlag, reviewer: Principal): void {
    if (flag.status === 'decided')
      throw new ConflictException('This flag has already been decided');
    if (flag.status === 'escalated' && !hasRole(reviewer.role, SENIOR_ROLE)) {
      throw new ForbiddenException('Escalated flags are decided by policy admins and admins');
    }
    if (flag.claimActive && flag.claimedBy !== reviewer.id) {
      throw new ConflictException(
        `${flag.claimerName ?? 'Another reviewer'} is reviewing this flag`,
      );
    }
  }
}
