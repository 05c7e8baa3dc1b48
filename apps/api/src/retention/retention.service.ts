import { ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RetentionReportDto, RetentionStatusDto } from '@sieve/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { withSessionLock } from '../database/with-session-lock';
import { RetentionRun } from './entities/retention-run.entity';
import { type AllowedPartition, ScoredEventPartitions } from './scored-event-partitions';

const DAY_MS = 86_400_000;
/** Rows deleted per statement where retention deletes rows: short transactions, little bloat at once. */
const DELETE_BATCH = 5_000;
/**
 * Events something still refers to: they move to the kept partition instead of going. `since`,
 * when given, is a time no flag on these events can be older than (their day's start): flags of
 * allowed posts are rare and recent, so the flags side is read from that time on, not whole.
 */
const REFERENCED = (e: string, since?: string) =>
  `(EXISTS (SELECT 1 FROM flags f WHERE f.scored_event_id = ${e}.id${since ? ` AND f.created_at >= ${since}` : ''})
    OR EXISTS (SELECT 1 FROM judge_requests r WHERE r.scored_event_id = ${e}.id))`;
/**
 * Rolled-up tables, kept for backtests and reports as long as the histograms: each with what is
 * older than the histograms' cutoff ($1). Their rows are counted in the report's `histogramRows`.
 */
const ROLLED_UP: [table: string, older: string][] = [
  ['score_histograms', 'hour < $1'],
  ['score_histograms_daily', `day < ($1::timestamptz AT TIME ZONE 'UTC')::date`],
  ['hourly_flag_counts', 'hour < $1'],
];
/** Flags retention may remove: decided, and no appeal still open on them. */
const EXPIRED_FLAGS = `SELECT f.id FROM flags f
  WHERE f.created_at < $1 AND f.status = 'decided' AND f.copy_of IS NULL
    AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.flag_id = f.id AND a.status = 'open')`;
/** Kept events past the decisions' retention that nothing refers to any more. */
const EXPIRED_KEPT_EVENTS = `SELECT e.id FROM scored_events e
  WHERE e.kept AND e.scored_at < $1 AND NOT ${REFERENCED('e')}`;

/**
 * Data that ages out (docs/retention.md), kind by kind: allowed events' text and scores (whole
 * day partitions dropped, after moving any event something refers to into the kept partition),
 * flags with their decisions and the events under them, explanations, score histograms and
 * hourly flag counts (kept longer than the events they count) and the audit log. One run at a time across
 * replicas (an advisory lock); a real run reports what it removed to the audit log, a dry run
 * only counts.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly partitions: ScoredEventPartitions,
    private readonly audit: AuditService,
  ) {}

  async status(): Promise<RetentionStatusDto> {
    const partitions = await this.partitions.list();
    const runs = await this.db.getRepository(RetentionRun).find({
      where: { dryRun: false },
      order: { startedAt: 'DESC' },
      take: 10,
    });
    return {
      settingsDays: this.settingsDays(),
      enabled: this.config.RETENTION_ENABLED,
      runEveryMinutes: this.config.RETENTION_RUN_EVERY_MINUTES,
      allowedPartitions: {
        count: partitions.length,
        oldest: partitions[0]?.from.toISOString().slice(0, 10) ?? null,
        newest: partitions.at(-1)?.from.toISOString().slice(0, 10) ?? null,
      },
      lastRuns: runs.map((r) => ({
        id: r.id,
        startedAt: r.startedAt.toISOString(),
        finishedAt: r.finishedAt?.toISOString() ?? null,
        report: r.finishedAt ? (r.report as RetentionReportDto) : null,
      })),
    };
  }

  async dryRun(): Promise<RetentionReportDto> {
    const report = await this.run({ dryRun: true });
    if (!report)
      throw new ConflictException({
        code: 'retention_running',
        message: 'a retention run is in progress; try again when it ends',
      });
    return report;
  }

  private settingsDays(): RetentionReportDto['settingsDays'] {
    return {
      allowedEvents: this.config.RETENTION_ALLOWED_DAYS,
      decisions: this.config.RETENTION_DECISIONS_DAYS,
      explanations: this.config.RETENTION_EXPLANATIONS_DAYS,
      histograms: this.config.RETENTION_HISTOGRAMS_DAYS,
      auditLog: this.config.RETENTION_AUDIT_DAYS,
    };
  }

  /** Null when another replica is running it. */
  run(options: { dryRun: boolean; now?: Date }): Promise<RetentionReportDto | null> {
    // Without the pool's statement timeout: a day's partition at full volume takes longer to
    // count than an api query may.
    return withSessionLock(this.db, 'sieve_retention', { wait: false }, (session) =>
      this.runLocked(session.manager, options.dryRun, options.now ?? new Date()),
    );
  }

  private async runLocked(
    db: EntityManager,
    dryRun: boolean,
    now: Date,
  ): Promise<RetentionReportDto> {
    const started = Date.now();
    const cutoff = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const days = this.settingsDays();
    const cutoffs = {
      allowedEvents: cutoff(days.allowedEvents),
      decisions: cutoff(days.decisions),
      explanations: cutoff(days.explanations),
      // Whole UTC days, so a day's histogram row and its hours' rows go together.
      histograms: startOfUtcDay(cutoff(days.histograms)),
      auditLog: cutoff(days.auditLog),
    };
    const run = dryRun
      ? null
      : await db.getRepository(RetentionRun).save({ dryRun, report: {}, finishedAt: null });

    const allowedEvents = await this.expireAllowedEvents(db, cutoffs.allowedEvents, dryRun);
    const decisions = await this.expireDecisions(db, cutoffs.decisions, dryRun);
    const explanations = await this.deleteOlder(
      db,
      dryRun,
      `SELECT id FROM explanations WHERE created_at < $1`,
      (ids) => `DELETE FROM explanations WHERE id IN (${ids})`,
      cutoffs.explanations,
    );
    let histogramRows = 0;
    for (const [table, older] of ROLLED_UP)
      histogramRows += await this.deleteOlder(
        db,
        dryRun,
        `SELECT ctid FROM ${table} WHERE ${older}`,
        (ids) => `DELETE FROM ${table} WHERE ctid IN (${ids})`,
        cutoffs.histograms,
      );
    const auditEntries = await this.expireAuditLog(db, cutoffs.auditLog, dryRun);

    const report: RetentionReportDto = {
      dryRun,
      ranAt: now.toISOString(),
      settingsDays: days,
      cutoffs: Object.fromEntries(
        Object.entries(cutoffs).map(([k, v]) => [k, v.toISOString()]),
      ) as RetentionReportDto['cutoffs'],
      allowedEvents,
      decisions,
      explanations,
      histogramRows,
      auditEntries,
      tookMs: Date.now() - started,
    };
    if (run) {
      await db.transaction(async (tx) => {
        await tx
          .getRepository(RetentionRun)
          .update(run.id, { report, finishedAt: () => 'now()' } as never);
        await this.audit.record(
          {
            actor: { label: 'sieve-retention' },
            action: 'retention.run',
            objectType: 'retention_run',
            objectId: run.id,
            details: report,
          },
          tx,
        );
      });
      this.logger.log(
        `removed ${allowedEvents.removed} allowed events (${allowedEvents.partitions.length} day partitions), ` +
          `${decisions.flags} flags and ${decisions.events} decided events, ${explanations} explanations, ` +
          `${histogramRows} histogram rows, ${auditEntries} audit entries in ${report.tookMs} ms`,
      );
    }
    return report;
  }

  /**
   * Whole day partitions past the cutoff, once backtest histograms have counted them. Events
   * in them that something refers to (a flag, a pending judge request) move to the kept
   * partition first; what they alone referred to (keys, judgements, shadow decisions) goes.
   */
  private async expireAllowedEvents(
    db: EntityManager,
    before: Date,
    dryRun: boolean,
  ): Promise<RetentionReportDto['allowedEvents']> {
    const result: RetentionReportDto['allowedEvents'] = {
      partitions: [],
      removed: 0,
      movedToKept: 0,
      waitingForHistograms: [],
    };
    const [{ through }]: { through: Date | string }[] = await db.query(
      `SELECT rolled_up_to AS through FROM score_histogram_progress`,
    );
    const expired = (await this.partitions.list(db)).filter((p) => p.to <= before);
    for (const partition of expired) {
      const table = `"${partition.name}"`;
      const [{ rows, referenced }]: { rows: number; referenced: number }[] = await db.query(
        `SELECT count(*)::int AS rows, count(*) FILTER (WHERE ${REFERENCED('e', '$1')})::int AS referenced
         FROM ${table} e`,
        [partition.from],
      );
      if (rows > 0 && !(through instanceof Date && through >= partition.to)) {
        result.waitingForHistograms.push(partition.name);
        continue;
      }
      result.partitions.push(partition.name);
      result.removed += rows - referenced;
      result.movedToKept += referenced;
      if (!dryRun) await this.dropPartition(db, partition, table);
    }
    return result;
  }

  private async dropPartition(
    db: EntityManager,
    partition: AllowedPartition,
    table: string,
  ): Promise<void> {
    await db.transaction(async (tx) => {
      // Locked first, so no rescore or judge flags one of its events between the move and the drop.
      await tx.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
      await tx.query(
        `UPDATE scored_events e SET kept = true
         WHERE NOT e.kept AND e.scored_at >= $1 AND e.scored_at < $2 AND ${REFERENCED('e', '$1')}`,
        [partition.from, partition.to],
      );
      await tx.query(
        `DELETE FROM event_keys k USING ${table} e WHERE k.source = e.source AND k.event_id = e.event_id`,
      );
      await tx.query(`DELETE FROM judgements j USING ${table} e WHERE j.scored_event_id = e.id`);
      await tx.query(
        `DELETE FROM shadow_decisions s USING ${table} e WHERE s.scored_event_id = e.id`,
      );
      await tx.query(`DROP TABLE ${table}`);
    });
  }

  /** Decided flags past the cutoff (their decisions, notes, explanations, appeals go with them), then their events. */
  private async expireDecisions(
    db: EntityManager,
    before: Date,
    dryRun: boolean,
  ): Promise<RetentionReportDto['decisions']> {
    const flags = await this.deleteOlder(
      db,
      dryRun,
      EXPIRED_FLAGS,
      (ids) => `DELETE FROM flags WHERE id IN (${ids})`,
      before,
    );
    if (dryRun) {
      // The events whose last flag the real run would remove, and those with none already.
      const [{ events }]: { events: number }[] = await db.query(
        `SELECT count(*)::int AS events FROM scored_events e
         WHERE e.kept AND e.scored_at < $1
           AND NOT EXISTS (SELECT 1 FROM judge_requests r WHERE r.scored_event_id = e.id)
           AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.scored_event_id = e.id
                           AND f.id NOT IN (${EXPIRED_FLAGS}))`,
        [before],
      );
      return { flags, events };
    }
    let events = 0;
    for (;;) {
      const [{ n }]: { n: number }[] = await db.query(
        `WITH gone AS (
           DELETE FROM scored_events e WHERE e.kept AND e.id IN (${EXPIRED_KEPT_EVENTS} LIMIT ${DELETE_BATCH})
           RETURNING e.id, e.source, e.event_id
         ), keys AS (
           DELETE FROM event_keys k USING gone g WHERE k.source = g.source AND k.event_id = g.event_id
         ), judged AS (
           DELETE FROM judgements j USING gone g WHERE j.scored_event_id = g.id
         ), shadowed AS (
           DELETE FROM shadow_decisions s USING gone g WHERE s.scored_event_id = g.id
         )
         SELECT count(*)::int AS n FROM gone`,
        [before],
      );
      events += n;
      if (n < DELETE_BATCH) return { flags, events };
    }
  }

  /** Counts (dry run) or deletes, a batch at a time, the rows `select` finds older than `before`. */
  private async deleteOlder(
    db: EntityManager,
    dryRun: boolean,
    select: string,
    remove: (ids: string) => string,
    before: Date,
  ): Promise<number> {
    if (dryRun) {
      const [{ n }]: { n: number }[] = await db.query(
        `SELECT count(*)::int AS n FROM (${select}) AS expired`,
        [before],
      );
      return n;
    }
    let total = 0;
    for (;;) {
      const result: unknown = await db.query(
        `WITH gone AS (${remove(`${select} LIMIT ${DELETE_BATCH}`)} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
        [before],
      );
      const n = (result as { n: number }[])[0].n;
      total += n;
      if (n < DELETE_BATCH) return total;
    }
  }

  /** The audit log is append-only except for this: entries past its own (longest) retention. */
  private async expireAuditLog(db: EntityManager, before: Date, dryRun: boolean): Promise<number> {
    if (dryRun) {
      const [{ n }]: { n: number }[] = await db.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE at < $1`,
        [before],
      );
      return n;
    }
    return db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('sieve.audit_expiry', 'on', true)`);
      const [{ n }]: { n: number }[] = await tx.query(
        `WITH gone AS (DELETE FROM audit_log WHERE at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
        [before],
      );
      return n;
    });
  }
}

function startOfUtcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}
