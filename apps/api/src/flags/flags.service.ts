import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PoliciesService } from '../policies/policies.service';
import type { FlagDetailDto, FlagPageDto, FlagSummaryDto } from './dto/flag.response';
import type { ListFlagsQuery } from './dto/list-flags.query';
import { decodeKeyset, encodeKeyset } from '../common/keyset-cursor';

const DEFAULT_PAGE_SIZE = 50;

// created_at is read as text so the keyset cursor keeps Postgres's microseconds.
const SUMMARY_COLUMNS = `
  f.id, f.status, f.auto_decision AS "autoDecision", f.triggered, f.max_score AS "maxScore",
  to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt",
  e.source, e.event_id AS "eventId", e.author_id AS "authorId", e.text, e.lang, e.context,
  e.event_created_at AS "eventCreatedAt"`;

interface SummaryRow {
  id: string;
  status: FlagSummaryDto['status'];
  autoDecision: FlagSummaryDto['autoDecision'];
  triggered: FlagSummaryDto['triggered'];
  maxScore: number;
  createdAt: string;
  source: string;
  eventId: string;
  authorId: string;
  text: string;
  lang: string | null;
  context: FlagSummaryDto['event']['context'];
  eventCreatedAt: Date;
}

@Injectable()
export class FlagsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policies: PoliciesService,
  ) {}

  /** Newest first, keyset-paginated; filters use the (status, created_at, id) and GIN indexes. */
  async list(query: ListFlagsQuery): Promise<FlagPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.status) where.push(`f.status = ${param(query.status)}`);
    if (query.category) where.push(`f.categories @> ARRAY[${param(query.category)}]::text[]`);
    if (query.cursor) {
      const cursor = decodeKeyset(query.cursor);
      where.push(
        `(f.created_at, f.id) < (${param(cursor.createdAt)}::timestamptz, ${param(cursor.id)}::uuid)`,
      );
    }
    const rows: SummaryRow[] = await this.db.query(
      `SELECT ${SUMMARY_COLUMNS}
       FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY f.created_at DESC, f.id DESC
       LIMIT ${param(limit + 1)}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toSummary),
      nextCursor:
        rows.length > limit && last
          ? encodeKeyset({ createdAt: last.createdAt, id: last.id })
          : null,
    };
  }

  async get(id: string): Promise<FlagDetailDto> {
    const [row]: (SummaryRow & {
      scores: FlagDetailDto['scores'];
      model: string;
      policyVersion: number;
      scoredAt: Date;
    })[] = await this.db.query(
      `SELECT ${SUMMARY_COLUMNS}, e.scores, e.model, e.policy_version AS "policyVersion", e.scored_at AS "scoredAt"
         FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
         WHERE f.id = $1`,
      [id],
    );
    if (!row) throw new NotFoundException(`Flag ${id} does not exist`);
    const policy = await this.policies.version(row.policyVersion);
    return {
      ...toSummary(row),
      scores: row.scores,
      model: row.model,
      policyVersion: row.policyVersion,
      scoredAt: new Date(row.scoredAt).toISOString(),
      thresholds: policy?.rules ?? {},
    };
  }
}

function toSummary(row: SummaryRow): FlagSummaryDto {
  return {
    id: row.id,
    status: row.status,
    autoDecision: row.autoDecision,
    triggered: row.triggered,
    maxScore: row.maxScore,
    createdAt: row.createdAt,
    event: {
      source: row.source,
      eventId: row.eventId,
      authorId: row.authorId,
      text: row.text,
      lang: row.lang,
      context: row.context,
      createdAt: new Date(row.eventCreatedAt).toISOString(),
    },
  };
}
