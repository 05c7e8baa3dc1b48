import { Inject, Injectable, NotFoundException, ConflictException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  buildDsaStatement,
  categorySetById,
  type DsaDecisionInput,
  type DsaSettings,
  type DsaStatement,
  type TriggeredCategory,
  type UserNoticeMessage,
} from '@sieve/moderation';
import type { StatementDto, StatementBacklogDto } from '@sieve/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { StrikesService } from '../authors/strikes.service';
import { DecisionOutbox } from '../flags/decision-outbox';
import { MODEL_NAME } from '../scoring/score-models';
import { StatementOfReasons } from './entities/statement-of-reasons.entity';
import { dsaSettings } from './dsa-settings';

/** Statements written per pass and kind. */
const BATCH = 500;
/** Flags read per pass looking for automatic blocks (an index range; most are not blocks). */
const SCAN = 5000;

interface SourceRow {
  flag_id: string;
  flag_created_at: Date;
  decision_id: string | null;
  event_id: string;
  source: string;
  author_id: string;
  triggered: TriggeredCategory[];
  event_created_at: Date;
  decided_at: Date;
  lang: string | null;
  notice: DsaDecisionInput['notice'];
  model: string;
  policy_version: number;
  reason: string | null;
  summary: string | null;
  /** A removal Sieve decided by precedent (fully automated). */
  by_precedent: boolean;
}

/**
 * Statements of reasons for every decision that restricts a post: the pipeline's blocks (final
 * at once) and reviewers' removals (a draft the reviewer may edit for STATEMENT_EDIT_MINUTES,
 * withdrawn if the removal is undone). When one becomes final, the notice to the author is
 * queued for the platform through the outbox, in the same transaction. Built by a pass over the
 * tables (StatementsWorker), so the decision paths stay as they are.
 */
@Injectable()
export class StatementsService {
  readonly settings: DsaSettings;
  private readonly labels: Map<string, string>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: DecisionOutbox,
    private readonly audit: AuditService,
    private readonly strikes: StrikesService,
  ) {
    this.settings = dsaSettings(config);
    this.labels = new Map(
      categorySetById(config.CATEGORY_SET).categories.map((c) => [c.name, c.label]),
    );
  }

  get submitting(): boolean {
    return !!this.config.TDB_BASE_URL;
  }

  /** One pass; returns how much it did (flags read, statements written, withdrawn, made final). */
  async buildPass(): Promise<number> {
    return this.db.transaction(async (tx) => {
      // One replica at a time; the others skip the pass.
      const progress: unknown[] = await tx.query(
        `SELECT 1 FROM statement_progress FOR UPDATE SKIP LOCKED`,
      );
      if (progress.length === 0) return 0;
      let changed = await this.buildAutomatic(tx);
      changed += await this.buildForRemovals(tx);
      changed += await this.withdrawUndone(tx);
      changed += await this.finalizeDue(tx);
      return changed;
    });
  }

  /**
   * Reads the next SCAN flags after the watermark (created_at order, the index's) and states the
   * automatic blocks among them. The watermark moves past every flag read, blocks or not, so a
   * pass costs at most one bounded index range whatever the mix. Returns the flags read.
   *
   * The watermark never leaves Postgres: as a JavaScript Date it would lose its microseconds,
   * and every pass would read the flags created in its last millisecond again (the worker, which
   * passes until one reads nothing, then never stopped).
   */
  private async buildAutomatic(tx: EntityManager): Promise<number> {
    const scanned: { id: string; block: boolean }[] = await tx.query(
      `SELECT f.id, f.auto_decision = 'block' AND f.copy_of IS NULL AS block
       FROM flags f
       WHERE (f.created_at, f.id) > ((SELECT flag_created_at FROM statement_progress),
                                     (SELECT flag_id FROM statement_progress))
         AND f.created_at < now() - make_interval(secs => $1)
       ORDER BY f.created_at, f.id LIMIT $2`,
      [this.config.STATEMENTS_SETTLE_SECONDS, SCAN],
    );
    if (scanned.length === 0) return 0;
    const blocks = scanned.filter((f) => f.block).map((f) => f.id);
    if (blocks.length > 0) {
      const rows: SourceRow[] = await tx.query(
        `${selectSource('blocks')} WHERE f.id = ANY($1::uuid[]) ORDER BY f.created_at, f.id`,
        [blocks],
      );
      await this.insert(tx, rows, 'automatic');
    }
    await tx.query(
      `UPDATE statement_progress SET flag_created_at = f.created_at, flag_id = f.id
       FROM flags f WHERE f.id = $1`,
      [scanned[scanned.length - 1].id],
    );
    return scanned.length;
  }

  /**
   * Removals (not undone) of the last day without a statement: reviewers' (a draft they may edit)
   * and Sieve's by precedent (fully automated, final at once).
   */
  private async buildForRemovals(tx: EntityManager): Promise<number> {
    const rows: SourceRow[] = await tx.query(
      `${selectSource('removals')}
       WHERE d.action = 'remove' AND d.undone_at IS NULL AND f.copy_of IS NULL
         AND d.created_at > now() - interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM statements_of_reasons s WHERE s.decision_id = d.id)
       ORDER BY d.created_at LIMIT $1`,
      [BATCH],
    );
    return (
      (await this.insert(
        tx,
        rows.filter((r) => r.by_precedent),
        'automatic',
      )) +
      (await this.insert(
        tx,
        rows.filter((r) => !r.by_precedent),
        'reviewer',
      ))
    );
  }

  private async insert(
    tx: EntityManager,
    rows: SourceRow[],
    madeBy: 'automatic' | 'reviewer',
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const built = rows.map((row) => ({
      row,
      statement: buildDsaStatement(this.inputOf(row, madeBy), this.settings),
    }));
    const final = madeBy === 'automatic' || this.config.STATEMENT_EDIT_MINUTES === 0;
    const saved: { id: string; puid: string }[] = await tx.query(
      `INSERT INTO statements_of_reasons (puid, flag_id, decision_id, made_by, status, statement,
                                          final_at, submission, next_submit_at)
       SELECT s->>'puid', (r->>0)::uuid, (r->>1)::uuid, $2, $3, s,
              CASE WHEN $3 = 'final' THEN now() END,
              CASE WHEN $3 = 'final' AND $4 THEN 'pending' ELSE 'not_submitted' END,
              CASE WHEN $3 = 'final' AND $4 THEN now() END
       FROM jsonb_array_elements($1::jsonb) AS r, LATERAL (SELECT r->2 AS s) AS x
       ON CONFLICT (puid) DO NOTHING
       RETURNING id, puid`,
      [
        JSON.stringify(built.map((b) => [b.row.flag_id, b.row.decision_id, b.statement])),
        madeBy,
        final ? 'final' : 'draft',
        this.submitting,
      ],
    );
    // Every new restriction counts against its author, draft or not.
    const created = new Set(saved.map((s) => s.puid));
    await this.strikes.refresh(
      tx,
      built
        .filter((b) => created.has(b.statement.puid))
        .map((b) => ({ source: b.row.source, authorId: b.row.author_id })),
    );
    if (final) {
      await this.notify(
        tx,
        built
          .filter((b) => created.has(b.statement.puid))
          .map((b) => ({ eventId: b.row.event_id, source: b.row.source, statement: b.statement })),
      );
    }
    return saved.length;
  }

  private async withdrawUndone(tx: EntityManager): Promise<number> {
    const [, n] = (await tx.query(
      `UPDATE statements_of_reasons s SET status = 'withdrawn'
       FROM flag_decisions d
       WHERE s.decision_id = d.id AND s.status = 'draft' AND d.undone_at IS NOT NULL`,
    )) as [unknown, number];
    return n;
  }

  private async finalizeDue(tx: EntityManager): Promise<number> {
    const due: { id: string }[] = await tx.query(
      `SELECT id FROM statements_of_reasons
       WHERE status = 'draft' AND created_at < now() - make_interval(mins => $1)
       ORDER BY created_at LIMIT $2 FOR UPDATE`,
      [this.config.STATEMENT_EDIT_MINUTES, BATCH],
    );
    for (const { id } of due) await this.makeFinal(tx, id);
    return due.length;
  }

  /** Final: no more edits; the author's notice is queued; submission is due. */
  private async makeFinal(tx: EntityManager, id: string): Promise<void> {
    const [rows] = (await tx.query(
      `UPDATE statements_of_reasons s SET status = 'final', final_at = now(),
         submission = CASE WHEN $2 THEN 'pending' ELSE submission END,
         next_submit_at = CASE WHEN $2 THEN now() ELSE next_submit_at END
       FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
       WHERE s.id = $1 AND s.status = 'draft' AND f.id = s.flag_id
       RETURNING s.statement, e.event_id, e.source`,
      [id, this.submitting],
    )) as [{ statement: DsaStatement; event_id: string; source: string }[], number];
    if (rows.length === 0) {
      throw new ConflictException({
        code: 'not_a_draft',
        message: 'the statement is final or withdrawn already',
      });
    }
    const [row] = rows;
    await this.notify(tx, [
      { eventId: row.event_id, source: row.source, statement: row.statement },
    ]);
  }

  private async notify(
    tx: EntityManager,
    notices: { eventId: string; source: string; statement: DsaStatement }[],
  ): Promise<void> {
    const issuedAt = new Date().toISOString();
    await this.outbox.enqueue(
      tx,
      notices.map((n): UserNoticeMessage => ({
        schemaVersion: 1,
        kind: 'notice',
        eventId: n.eventId,
        source: n.source,
        decision: 'block',
        statementId: n.statement.puid,
        statement: n.statement,
        appeal: { instructions: this.config.DSA_APPEAL_INSTRUCTIONS },
        issuedAt,
      })),
    );
  }

  private inputOf(row: SourceRow, madeBy: 'automatic' | 'reviewer'): DsaDecisionInput {
    return {
      puid: row.by_precedent
        ? `sieve-p-${row.decision_id}`
        : madeBy === 'automatic'
          ? `sieve-a-${row.flag_id}`
          : `sieve-r-${row.decision_id}`,
      madeBy: row.by_precedent ? 'precedent' : madeBy,
      categories: row.triggered.map((t) => ({
        category: t.category,
        label: this.labels.get(t.category) ?? t.category,
        score: t.score,
        threshold: t.threshold,
      })),
      contentDate: new Date(row.event_created_at),
      decidedAt: new Date(row.decided_at),
      lang: row.lang,
      notice: row.notice,
      model: row.model,
      policyVersion: row.policy_version,
      reviewerReason: row.reason,
      explanationSummary: row.summary,
    };
  }

  // ---- reading and editing ----

  async forFlag(flagId: string): Promise<StatementDto[]> {
    const rows = await this.db
      .getRepository(StatementOfReasons)
      .find({ where: { flagId }, order: { createdAt: 'ASC' } });
    return rows.map((r) => this.toDto(r));
  }

  /** A reviewer rewrites the drafted facts; only while the statement is a draft. */
  async editFacts(id: string, facts: string, actor: Principal, ip: string): Promise<StatementDto> {
    return this.db.transaction(async (tx) => {
      const repository = tx.getRepository(StatementOfReasons);
      const row = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw notFound();
      if (row.status !== 'draft')
        throw new ConflictException({
          code: 'not_a_draft',
          message: `the statement is ${row.status}`,
        });
      const before = row.statement.decision_facts;
      row.statement = { ...row.statement, decision_facts: facts };
      row.editedBy = actor.id;
      await repository.save(row);
      await this.audit.record(
        {
          actor,
          action: 'statement.edited',
          objectType: 'flag',
          objectId: row.flagId,
          ip,
          before: { decisionFacts: before },
          after: { decisionFacts: facts },
          details: { statement: id },
        },
        tx,
      );
      return this.toDto(row);
    });
  }

  async finalize(id: string, actor: Principal, ip: string): Promise<StatementDto> {
    await this.db.transaction(async (tx) => {
      const row = await tx.getRepository(StatementOfReasons).findOneBy({ id });
      if (!row) throw notFound();
      await this.makeFinal(tx, id);
      await this.audit.record(
        {
          actor,
          action: 'statement.finalized',
          objectType: 'flag',
          objectId: row.flagId,
          ip,
          details: { statement: id },
        },
        tx,
      );
    });
    const row = await this.db.getRepository(StatementOfReasons).findOneByOrFail({ id });
    return this.toDto(row);
  }

  /** Final statements decided in [from, to), oldest first, at most `limit`. */
  async export(from: Date, to: Date, limit: number): Promise<StatementDto[]> {
    const rows = await this.db
      .getRepository(StatementOfReasons)
      .createQueryBuilder('s')
      .where(`s.status = 'final' AND s.final_at >= :from AND s.final_at < :to`, { from, to })
      .orderBy('s.final_at')
      .addOrderBy('s.id')
      .limit(limit)
      .getMany();
    return rows.map((r) => this.toDto(r));
  }

  async backlog(): Promise<StatementBacklogDto> {
    const [row]: StatementBacklogDto[] = await this.db.query(
      `SELECT count(*) FILTER (WHERE status = 'draft')::int AS drafts,
              count(*) FILTER (WHERE submission = 'pending')::int AS pending,
              count(*) FILTER (WHERE submission = 'accepted')::int AS accepted,
              count(*) FILTER (WHERE submission = 'rejected')::int AS rejected,
              coalesce(extract(epoch FROM now() - min(final_at) FILTER (WHERE submission = 'pending')), 0)::float8
                AS "oldestPendingSeconds",
              (SELECT submit_error FROM statements_of_reasons
               WHERE submission IN ('pending', 'rejected') AND submit_error IS NOT NULL
               ORDER BY next_submit_at DESC NULLS LAST LIMIT 1) AS "lastError"
       FROM statements_of_reasons`,
    );
    return { ...row, submitting: this.submitting };
  }

  toDto(r: StatementOfReasons): StatementDto {
    return {
      id: r.id,
      puid: r.puid,
      flagId: r.flagId,
      madeBy: r.madeBy,
      status: r.status,
      statement: r.statement,
      createdAt: r.createdAt.toISOString(),
      finalAt: r.finalAt?.toISOString() ?? null,
      editableUntil:
        r.status === 'draft'
          ? new Date(
              r.createdAt.getTime() + this.config.STATEMENT_EDIT_MINUTES * 60_000,
            ).toISOString()
          : null,
      submission: r.submission,
      submitError: r.submitError,
      submittedAt: r.submittedAt?.toISOString() ?? null,
    };
  }
}

function notFound() {
  return new NotFoundException({ code: 'statement_not_found', message: 'no such statement' });
}

/**
 * What a statement is built from: the flag and its event, the reviewer's decision (alias `d`)
 * for removals, and the explanation if one was kept.
 */
function selectSource(of: 'blocks' | 'removals'): string {
  const removals = of === 'removals';
  return `
  SELECT f.id AS flag_id, f.created_at AS flag_created_at,
         ${removals ? 'd.id' : 'NULL::uuid'} AS decision_id,
         e.event_id, e.source, e.author_id, f.triggered, e.event_created_at,
         ${removals ? 'd.created_at' : 'f.created_at'} AS decided_at,
         e.lang, e.context->>'notice' AS notice, ${MODEL_NAME('e')} AS model, e.policy_version,
         ${removals ? 'd.reason' : 'NULL::text'} AS reason,
         ${removals ? 'd.precedent IS NOT NULL' : 'false'} AS by_precedent,
         (SELECT x.card->>'summary' FROM explanations x WHERE x.flag_id = f.id
          ORDER BY x.created_at DESC LIMIT 1) AS summary
  FROM ${removals ? 'flag_decisions d JOIN flags f ON f.id = d.flag_id' : 'flags f'}
  JOIN scored_events e ON e.id = f.scored_event_id AND e.kept`;
}
