import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeKeyset, encodeKeyset } from '../common/keyset-cursor';
import { PoliciesService } from '../policies/policies.service';
import type {
  DecisionRecordDto,
  FlagDetailDto,
  FlagPageDto,
  FlagSummaryDto,
  NoteDto,
} from '@sieve/contracts';
import type { ListFlagsQuery } from './dto/list-flags.query';

const DEFAULT_PAGE_SIZE = 50;

const CLAIM_ACTIVE = `(f.claimed_by IS NOT NULL AND f.claim_expires_at > now())`;

/** "claimed" is derived from the lease; the stored status keeps the queue (open, escalated, decided). */
const STATUS_FILTERS: Record<NonNullable<ListFlagsQuery['status']>, string> = {
  open: `f.status = 'open' AND NOT ${CLAIM_ACTIVE}`,
  claimed: `f.status IN ('open', 'escalated') AND ${CLAIM_ACTIVE}`,
  escalated: `f.status = 'escalated'`,
  decided: `f.status = 'decided'`,
};

// created_at is read as text so the keyset cursor keeps Postgres's microseconds.
const SUMMARY_COLUMNS = `
  f.id, f.status, f.auto_decision AS "autoDecision", f.triggered, f.max_score AS "maxScore",
  to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt",
  e.source, e.event_id AS "eventId", e.author_id AS "authorId", e.text, e.lang, e.context,
  e.event_created_at AS "eventCreatedAt",
  CASE WHEN ${CLAIM_ACTIVE} THEN f.claimed_by END AS "claimedBy",
  CASE WHEN ${CLAIM_ACTIVE} THEN u.display_name END AS "claimedByName",
  CASE WHEN ${CLAIM_ACTIVE} THEN f.claim_expires_at END AS "claimExpiresAt",
  f.final_action AS "finalAction"`;

const SUMMARY_FROM = `flags f JOIN scored_events e ON e.id = f.scored_event_id LEFT JOIN users u ON u.id = f.claimed_by`;

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
  claimedBy: string | null;
  claimedByName: string | null;
  claimExpiresAt: Date | null;
  finalAction: FlagSummaryDto['finalAction'];
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
    if (query.status) where.push(STATUS_FILTERS[query.status]);
    if (query.category) where.push(`f.categories @> ARRAY[${param(query.category)}]::text[]`);
    if (query.cursor) {
      const cursor = decodeKeyset(query.cursor);
      where.push(
        `(f.created_at, f.id) < (${param(cursor.createdAt)}::timestamptz, ${param(cursor.id)}::uuid)`,
      );
    }
    const rows: SummaryRow[] = await this.db.query(
      `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM}
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
         FROM ${SUMMARY_FROM} WHERE f.id = $1`,
      [id],
    );
    if (!row) throw new NotFoundException(`Flag ${id} does not exist`);
    const [policy, decisions, notes] = await Promise.all([
      this.policies.version(row.policyVersion),
      this.db.query(
        `SELECT d.id, d.action, d.reason, d.note, u.display_name AS reviewer, d.created_at AS "createdAt", d.undone_at AS "undoneAt"
         FROM flag_decisions d LEFT JOIN users u ON u.id = d.reviewer_id
         WHERE d.flag_id = $1 ORDER BY d.created_at`,
        [id],
      ) as Promise<DecisionRecordDto[]>,
      this.db.query(
        `SELECT n.id, n.text, u.display_name AS author, n.created_at AS "createdAt"
         FROM flag_notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.flag_id = $1 ORDER BY n.created_at`,
        [id],
      ) as Promise<NoteDto[]>,
    ]);
    return {
      ...toSummary(row),
      scores: row.scores,
      model: row.model,
      policyVersion: row.policyVersion,
      scoredAt: new Date(row.scoredAt).toISOString(),
      thresholds: policy?.rules ?? {},
      decisions,
      notes,
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
    claim:
      row.claimedBy && row.claimExpiresAt
        ? {
            userId: row.claimedBy,
            displayName: row.claimedByName ?? '',
            expiresAt: new Date(row.claimExpiresAt).toISOString(),
          }
        : null,
    finalAction: row.finalAction,
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
