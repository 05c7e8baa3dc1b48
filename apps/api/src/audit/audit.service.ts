import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../auth/roles';
import { decodeKeyset, encodeKeyset } from '../common/keyset-cursor';
import type { AuditEntryDto, AuditPageDto } from '@sieve/contracts';
import type { ListAuditQuery } from './dto/list-audit.query';
import { AuditEntry } from './entities/audit-entry.entity';

export interface AuditEvent {
  /** Who: a principal, or a label for actions without one (a failed login names the e-mail tried). */
  actor: Principal | { label: string; id?: string | null };
  /** Dotted verb, e.g. `auth.login`, `user.role_changed`, `flag.decided`. */
  action: string;
  objectType?: string;
  objectId?: string;
  ip?: string;
  before?: unknown;
  after?: unknown;
  details?: unknown;
}

/**
 * The append-only audit trail. There is no update or delete path here, and a trigger refuses
 * them in the database too. Pass the transaction's manager so an action and its audit entry
 * commit together.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(event: AuditEvent, manager: EntityManager = this.db.manager): Promise<void> {
    const actorId = 'kind' in event.actor ? event.actor.id : (event.actor.id ?? null);
    const actorKind = 'kind' in event.actor ? event.actor.kind : null;
    await manager.getRepository(AuditEntry).insert({
      actorId: actorKind === 'token' ? null : actorId,
      actorLabel: actorKind === 'token' ? `token:${event.actor.label}` : event.actor.label,
      action: event.action,
      objectType: event.objectType ?? null,
      objectId: event.objectId ?? null,
      ip: event.ip ?? null,
      before: asJson(event.before),
      after: asJson(event.after),
      details: asJson(event.details),
    });
  }

  async list(query: ListAuditQuery): Promise<AuditPageDto> {
    const limit = query.limit ?? 50;
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.action)
      where.push(`action LIKE ${param(`${query.action.replace(/[%_\\]/g, '\\$&')}%`)}`);
    if (query.actorId) where.push(`actor_id = ${param(query.actorId)}`);
    if (query.objectType) where.push(`object_type = ${param(query.objectType)}`);
    if (query.objectId) where.push(`object_id = ${param(query.objectId)}`);
    if (query.from) where.push(`at >= ${param(query.from)}`);
    if (query.to) where.push(`at < ${param(query.to)}`);
    if (query.cursor) {
      const cursor = decodeKeyset(query.cursor, ['at', 'id']);
      where.push(`(at, id) < (${param(cursor.at)}::timestamptz, ${param(cursor.id)}::bigint)`);
    }
    const rows: (AuditEntryDto & { cursorAt: string })[] = await this.db.query(
      `SELECT id::text AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt",
              at, actor_id AS "actorId", actor_label AS "actorLabel", action, object_type AS "objectType",
              object_id AS "objectId", ip, before, after, details
       FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY at DESC, id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ cursorAt, ...entry }) => ({ ...entry, at: cursorAt })),
      nextCursor:
        rows.length > limit && last ? encodeKeyset({ at: last.cursorAt, id: last.id }) : null,
    };
  }
}

/** A JSON value for a jsonb column (TypeORM serializes it); absent is SQL NULL. */
const asJson = (value: unknown) => (value === undefined ? null : (value as object));
