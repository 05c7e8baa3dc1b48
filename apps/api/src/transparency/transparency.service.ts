import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  Automation,
  TransparencyPeriod,
  TransparencyReportDto,
  TransparencyRowDto,
} from '@sieve/contracts';
import type { DataSource } from 'typeorm';
import { toCsv } from '../common/csv';
import { flagCountsBetween } from '../flags/flag-counts-rollup';

/** The flag's most severe category (triggered is stored most severe first). */
const TOP_CATEGORY = `COALESCE(f.triggered->0->>'category', f.categories[1], 'unknown')`;
const PERIOD = (column: string) =>
  `to_char(date_trunc($3, ${column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;

/**
 * The transparency report (docs/retention.md): decisions on content by period, category, action
 * and automation, and appeals with their outcomes. Counted from the decision records, which
 * erasure leaves in place, so erasing content never changes a published report.
 * - automatic: the pipeline blocked it and no person decided since, or Sieve decided it by
 *   precedent (docs/waves.md);
 * - partly: the pipeline flagged it and a reviewer decided (each decision not undone);
 * - human: a person decided on a person's complaint (appeal outcomes).
 */
@Injectable()
export class TransparencyService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async report(from: Date, to: Date, period: TransparencyPeriod): Promise<TransparencyReportDto> {
    const params = [from, to, period];
    const [rows, appeals, [{ erasures }]] = await Promise.all([
      this.db.query(
        // Blocks no person decided since: every block (hourly counts) less the blocks with a
        // decision, which are few and found from the decisions' side.
        `WITH ${flagCountsBetween('$1::timestamptz', '$2::timestamptz')}
         SELECT period, category, action, automation, sum(n)::int AS decisions FROM (
           SELECT ${PERIOD('hour')} AS period, category, 'block' AS action,
                  'automatic' AS automation, top_blocks AS n
           FROM flag_counts WHERE top_blocks > 0
           UNION ALL
           SELECT ${PERIOD('f.created_at')}, ${TOP_CATEGORY}, 'block', 'automatic', -1
           FROM (SELECT DISTINCT d.flag_id FROM flag_decisions d
                 WHERE d.undone_at IS NULL AND d.created_at >= $1) AS d
           -- Looked up one by one (LIMIT keeps the planner from merging along the flags'
           -- primary key, which reads every flag since the oldest one decided).
           CROSS JOIN LATERAL (
             SELECT f.created_at, f.triggered, f.categories FROM flags f
             WHERE f.id = d.flag_id AND f.copy_of IS NULL AND f.auto_decision = 'block'
               AND f.created_at >= $1 AND f.created_at < $2
             LIMIT 1) AS f
           UNION ALL
           SELECT ${PERIOD('d.created_at')}, ${TOP_CATEGORY}, d.action,
                  CASE WHEN d.precedent IS NULL THEN 'partly' ELSE 'automatic' END, 1
           FROM flag_decisions d JOIN flags f ON f.id = d.flag_id AND f.copy_of IS NULL
           WHERE d.undone_at IS NULL AND d.created_at >= $1 AND d.created_at < $2
           UNION ALL
           SELECT ${PERIOD('a.decided_at')}, ${TOP_CATEGORY}, 'appeal_' || a.status, 'human', 1
           FROM appeals a JOIN flags f ON f.id = a.flag_id
           WHERE a.status <> 'open' AND a.decided_at >= $1 AND a.decided_at < $2
         ) AS decided
         GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4`,
        params,
      ) as Promise<TransparencyRowDto[]>,
      this.db.query(
        `SELECT period, sum(received)::int AS received, sum(upheld)::int AS upheld,
                sum(overturned)::int AS overturned, sum(open)::int AS open FROM (
           SELECT ${PERIOD('a.submitted_at')} AS period, 1 AS received, 0 AS upheld,
                  0 AS overturned, (a.status = 'open')::int AS open
           FROM appeals a WHERE a.submitted_at >= $1 AND a.submitted_at < $2
           UNION ALL
           SELECT ${PERIOD('a.decided_at')}, 0, (a.status = 'upheld')::int,
                  (a.status = 'overturned')::int, 0
           FROM appeals a
           WHERE a.status <> 'open' AND a.decided_at >= $1 AND a.decided_at < $2
         ) AS appealed
         GROUP BY 1 ORDER BY 1`,
        params,
      ) as Promise<TransparencyReportDto['appeals']>,
      this.db.query(
        `SELECT count(*)::int AS erasures FROM erasures WHERE requested_at >= $1 AND requested_at < $2`,
        [from, to],
      ) as Promise<{ erasures: number }[]>,
    ]);
    const byAutomation: Record<Automation, number> = { automatic: 0, partly: 0, human: 0 };
    for (const row of rows) byAutomation[row.automation] += row.decisions;
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      period,
      generatedAt: new Date().toISOString(),
      rows,
      appeals,
      totals: {
        decisions: rows.reduce((n, r) => n + r.decisions, 0),
        byAutomation,
        appeals: appeals.reduce((n, a) => n + a.received, 0),
        overturned: appeals.reduce((n, a) => n + a.overturned, 0),
        erasures,
      },
    };
  }
}

/** One table: decisions, then appeals, each row saying which it is. */
export function transparencyCsv(report: TransparencyReportDto): string {
  return toCsv([
    ['period', 'kind', 'category', 'action', 'automation', 'count'],
    ...report.rows.map((r) => [
      r.period,
      'decision',
      r.category,
      r.action,
      r.automation,
      r.decisions,
    ]),
    ...report.appeals.flatMap((a) =>
      (['received', 'upheld', 'overturned', 'open'] as const).map((what) => [
        a.period,
        'appeal',
        '',
        what,
        'human',
        a[what],
      ]),
    ),
  ]);
}
