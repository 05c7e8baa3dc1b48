import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QueueDto, QueueMemberDto } from '@sieve/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hasRole, type Principal } from '../auth/roles';
import type { CreateQueueDto, UpdateQueueDto } from './dto/queue.dto';
import { User } from '../users/entities/user.entity';
import { QueueRow } from './entities/queue.entity';
import { QueueCounts } from './queue-counts';

/** Queues in the order people see them: the built-in ones first, then by creation. */
export const QUEUE_ORDER = `CASE q.id WHEN 'default' THEN 0 WHEN 'senior' THEN 1 WHEN 'qa' THEN 2 ELSE 3 END, q.created_at, q.id`;

/** How long the queue definitions are reused per process; a change reaches every process within this. */
const QUEUES_TTL_MS = 2_000;

/**
 * Queues and who may do what in them. Members (the member role and above, and the listed
 * users) see a queue and take its work; policy admins and admins see every queue. Leads (and
 * policy admins) assign its items and move them elsewhere. Deciding needs the queue's
 * `decideRole`.
 */
@Injectable()
export class QueuesService {
  private cached: { queues: Map<string, QueueRow>; at: number } | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly counts: QueueCounts,
  ) {}

  async all(): Promise<Map<string, QueueRow>> {
    if (this.cached && Date.now() - this.cached.at < QUEUES_TTL_MS) return this.cached.queues;
    const rows = await this.db
      .getRepository(QueueRow)
      .createQueryBuilder('q')
      .orderBy(QUEUE_ORDER.replaceAll('q.created_at', 'q.createdAt'))
      .getMany();
    const queues = new Map(rows.map((q) => [q.id, q]));
    this.cached = { queues, at: Date.now() };
    return queues;
  }

  async get(id: string): Promise<QueueRow> {
    const queue = (await this.all()).get(id);
    if (!queue)
      throw new NotFoundException({ message: `Queue ${id} does not exist`, code: 'unknown_queue' });
    return queue;
  }

  isMember(queue: QueueRow, who: Principal): boolean {
    return (
      hasRole(who.role, 'policy_admin') ||
      queue.memberIds.includes(who.id) ||
      queue.leadIds.includes(who.id) ||
      (queue.memberRole !== null && hasRole(who.role, queue.memberRole))
    );
  }

  isLead(queue: QueueRow, who: Principal): boolean {
    return hasRole(who.role, 'policy_admin') || queue.leadIds.includes(who.id);
  }

  canWork(queue: QueueRow, who: Principal): boolean {
    return this.isMember(queue, who) && hasRole(who.role, queue.decideRole);
  }

  /** Throws 403 unless `who` may take work from the queue and decide in it. */
  assertCanWork(queue: QueueRow, who: Principal): void {
    if (!this.isMember(queue, who))
      throw new ForbiddenException({
        message: `You are not a member of the queue "${queue.name}"`,
        code: 'not_a_member',
      });
    if (!hasRole(who.role, queue.decideRole))
      throw new ForbiddenException({
        message: `Items in "${queue.name}" are decided by ${queue.decideRole === 'admin' ? 'admins' : 'policy admins and admins'}`,
        code: 'queue_decide_role',
      });
  }

  assertLead(queue: QueueRow, who: Principal): void {
    if (!this.isLead(queue, who))
      throw new ForbiddenException({
        message: `Only the leads of "${queue.name}" and policy admins can do that`,
        code: 'not_a_lead',
      });
  }

  /** The queues `who` can see, each with what waits in it now. */
  async list(who: Principal): Promise<QueueDto[]> {
    const queues = [...(await this.all()).values()].filter((q) => this.isMember(q, who));
    const counts = await this.counts.of(queues.map((q) => q.id));
    return queues.map((q) => {
      const c = counts.get(q.id);
      return {
        ...toDto(q),
        member: true,
        lead: this.isLead(q, who),
        waiting: (c?.open ?? 0) - (c?.claimed ?? 0),
        claimed: c?.claimed ?? 0,
        oldestWaitingAt: c?.oldest?.toISOString() ?? null,
      };
    });
  }

  /** Active people at reviewer or above: whom a policy admin can make members and leads. */
  async people(): Promise<QueueMemberDto[]> {
    const people = await this.db
      .getRepository(User)
      .find({ where: { disabled: false, kind: 'person' }, order: { displayName: 'ASC' } });
    return people
      .filter((u) => hasRole(u.role, 'reviewer'))
      .map((u) => ({ id: u.id, displayName: u.displayName, role: u.role }));
  }

  /** The active people who can take and decide the queue's items: whom a lead can assign to. */
  async members(id: string, lead: Principal): Promise<QueueMemberDto[]> {
    const queue = await this.get(id);
    this.assertLead(queue, lead);
    const people = await this.db
      .getRepository(User)
      .find({ where: { disabled: false, kind: 'person' }, order: { displayName: 'ASC' } });
    return people
      .filter((u) =>
        this.canWork(queue, {
          kind: 'user',
          id: u.id,
          label: u.displayName,
          role: u.role,
          csrfToken: null,
          sessionId: null,
        }),
      )
      .map((u) => ({ id: u.id, displayName: u.displayName, role: u.role }));
  }

  async create(input: CreateQueueDto, actor: Principal, ip: string): Promise<QueueRow> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(QueueRow);
      if (await repo.existsBy({ id: input.id }))
        throw new ConflictException({ message: `Queue ${input.id} exists`, code: 'queue_exists' });
      const row = await repo.save(
        repo.create({
          id: input.id,
          name: input.name,
          description: input.description ?? '',
          memberRole: input.memberRole === undefined ? null : input.memberRole,
          memberIds: input.memberIds ?? [],
          leadIds: input.leadIds ?? [],
          decideRole: input.decideRole ?? 'reviewer',
          slaMinutes: input.slaMinutes ?? 60,
          ordering: input.ordering ?? 'oldest',
          goldenRate: input.goldenRate ?? 0,
          secondReviewRate: input.secondReviewRate ?? 0,
          builtIn: false,
        }),
      );
      await this.audit.record(
        {
          actor,
          action: 'queue.created',
          objectType: 'queue',
          objectId: row.id,
          ip,
          after: toDto(row),
        },
        tx,
      );
      this.cached = null;
      return row;
    });
  }

  async update(id: string, input: UpdateQueueDto, actor: Principal, ip: string): Promise<QueueRow> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(QueueRow);
      const before = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!before)
        throw new NotFoundException({
          message: `Queue ${id} does not exist`,
          code: 'unknown_queue',
        });
      const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      await repo.update({ id }, { ...defined, updatedAt: () => 'now()' });
      const after = (await repo.findOneBy({ id })) as QueueRow;
      await this.audit.record(
        {
          actor,
          action: 'queue.updated',
          objectType: 'queue',
          objectId: id,
          ip,
          before: toDto(before),
          after: toDto(after),
        },
        tx,
      );
      this.cached = null;
      return after;
    });
  }

  /** The flag's queue under its row lock (the caller holds it). */
  async queueOf(tx: EntityManager, flagId: string): Promise<QueueRow> {
    const [row]: { queue: string }[] = await tx.query(`SELECT queue FROM flags WHERE id = $1`, [
      flagId,
    ]);
    if (!row) throw new NotFoundException(`Flag ${flagId} does not exist`);
    return this.get(row.queue);
  }
}

export function toDto(
  q: QueueRow,
): Omit<QueueDto, 'member' | 'lead' | 'waiting' | 'claimed' | 'oldestWaitingAt'> {
  return {
    id: q.id,
    name: q.name,
    description: q.description,
    memberRole: q.memberRole,
    memberIds: q.memberIds,
    leadIds: q.leadIds,
    decideRole: q.decideRole,
    slaMinutes: q.slaMinutes,
    ordering: q.ordering,
    goldenRate: q.goldenRate,
    secondReviewRate: q.secondReviewRate,
    builtIn: q.builtIn,
  };
}
