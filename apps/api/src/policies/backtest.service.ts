import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  BacktestDataDto,
  BacktestSampleDto,
  BacktestSamplesDto,
  PolicyDraftInput,
} from '@sieve/contracts';
import {
  evaluatePolicy,
  HISTOGRAM_BUCKETS,
  labelsPerCategory,
  type Policy,
  type ReviewedItem,
} from '@sieve/moderation';
import type { DataSource } from 'typeorm';
import { SCORES_JSON } from '../scoring/score-layouts';
import { PolicyProvider } from './policy-provider';
import { assertValidForItsSet } from './policy-validation';

/** Reviewed items per backtest; more would not change a precision estimate a slider shows. */
const LABELLED_LIMIT = 20_000;
/** Recent events of the range in which samples of changed decisions are looked for. */
const SAMPLE_SCAN = 5_000;
const SAMPLES = 10;
/** Many people on the page share one aggregation; sliders never refetch. */
const DATA_TTL_MS = 10_000;

/**
 * A range's events per source, category and bucket ($1 from, $2 to): the hours from the hour
 * `from` falls in up to `to`. The whole UTC days inside come from the daily histograms, the
 * hours at either end from the hourly ones; each sum is over a range of its table's key.
 */
const RANGE_START = `date_trunc('hour', $1::timestamptz)`;
/** The first UTC day starting at or after the range's start. */
const FIRST_DAY = `(((${RANGE_START}) - interval '1 microsecond') AT TIME ZONE 'UTC')::date + 1`;
/** The day after the last whole day; the first day when there is none. */
const END_DAY = `GREATEST(${FIRST_DAY}, ($2::timestamptz AT TIME ZONE 'UTC')::date)`;
const MIDNIGHT = (day: string) => `((${day})::timestamp AT TIME ZONE 'UTC')`;
const HISTOGRAMS_OF_RANGE = `
  SELECT source, category, bucket, sum(events)::int AS n
  FROM (SELECT source, category, bucket, events FROM score_histograms_daily
        WHERE day >= ${FIRST_DAY} AND day < ${END_DAY}
        UNION ALL
        SELECT source, category, bucket, events FROM score_histograms
        WHERE hour >= ${RANGE_START} AND hour < LEAST(${MIDNIGHT(FIRST_DAY)}, $2)
        UNION ALL
        SELECT source, category, bucket, events FROM score_histograms
        WHERE hour >= ${MIDNIGHT(END_DAY)} AND hour < $2) AS counts
  GROUP BY 1, 2, 3`;

/**
 * What-if data for a draft over stored scores: score histograms per day or hour, source and
 * category (kept by HistogramRollupService, so a range of millions of events is a few thousand
 * rows a day) and reviewer-labelled scores; every count, curve and
 * precision/recall figure is then computed from those with @sieve/moderation's pure functions,
 * in the browser as sliders move.
 */
@Injectable()
export class BacktestService {
  private readonly recent = new Map<string, { at: number; data: Promise<BacktestDataDto> }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policies: PolicyProvider,
  ) {}

  data(from: Date, to: Date): Promise<BacktestDataDto> {
    assertRange(from, to);
    const key = `${from.toISOString()}|${to.toISOString()}`;
    const hit = this.recent.get(key);
    if (hit && Date.now() - hit.at < DATA_TTL_MS) return hit.data;
    const data = this.load(from, to);
    this.recent.set(key, { at: Date.now(), data });
    data.catch(() => this.recent.delete(key));
    for (const [k, v] of this.recent) if (Date.now() - v.at >= DATA_TTL_MS) this.recent.delete(k);
    return data;
  }

  private async load(from: Date, to: Date): Promise<BacktestDataDto> {
    const started = Date.now();
    const [buckets, labelledRows, [{ through }]] = await Promise.all([
      this.db.query(HISTOGRAMS_OF_RANGE, [from, to]) as Promise<
        { source: string; category: string; bucket: number; n: number }[]
      >,
      // Driven from the decisions (fewer) rather than the flags (many): each decided flag's
      // latest human word — a decision not undone, or an appeal's outcome after it (an
      // overturned removal is a negative label; an upheld appeal, a confirmed one). A post of
      // the range was decided after it was scored, so only words since the range's start count:
      // the rest of years of decisions is not read. Sieve's decisions by precedent are not a
      // person's word: counted, they would grade the policy by its own automation.
      this.db.query(
        `SELECT ${SCORES_JSON('e')} AS scores, latest.action, latest.reason, f.categories AS triggered
         FROM (SELECT DISTINCT ON (flag_id) flag_id, action, reason
               FROM (SELECT d.flag_id, d.action, d.reason, d.created_at AS at
                     FROM flag_decisions d
                     WHERE d.undone_at IS NULL AND d.precedent IS NULL AND d.created_at >= $1
                     UNION ALL
                     SELECT a.flag_id,
                            CASE a.status WHEN 'overturned' THEN 'approve' ELSE 'remove' END,
                            a.outcome_reason, a.decided_at
                     FROM appeals a WHERE a.status <> 'open' AND a.decided_at >= $1) AS said
               ORDER BY flag_id, at DESC) AS latest
         JOIN flags f ON f.id = latest.flag_id AND f.copy_of IS NULL
         JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
         WHERE e.scored_at >= $1 AND e.scored_at < $2
         LIMIT $3`,
        [from, to, LABELLED_LIMIT],
      ) as Promise<ReviewedItem[]>,
      this.db.query(`SELECT rolled_up_to AS through FROM score_histogram_progress`) as Promise<
        { through: Date | string | number }[]
      >,
    ]);
    const histograms: BacktestDataDto['histograms'] = {};
    for (const { source, category, bucket, n } of buckets) {
      const bySource = (histograms[source] ??= {});
      (bySource[category] ??= new Array<number>(HISTOGRAM_BUCKETS).fill(0))[bucket] = n;
    }
    // Every event has a score in each category of its set: the fullest category counts them all.
    const perCategory = new Map<string, number>();
    for (const { category, n } of buckets)
      perCategory.set(category, (perCategory.get(category) ?? 0) + n);
    const events = Math.max(0, ...perCategory.values());
    const labelled = labelsPerCategory(labelledRows);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      events,
      histograms,
      labelled,
      histogramsThrough: through instanceof Date ? through.toISOString() : null,
      tookMs: Date.now() - started,
    };
  }

  /** Recent events of the range whose decision the draft changes, in both directions. */
  async samples(draft: PolicyDraftInput, from: Date, to: Date): Promise<BacktestSamplesDto> {
    assertRange(from, to);
    const live = await this.policies.activePolicy();
    const candidate: Policy = {
      version: 0,
      categorySetId: live.categorySetId,
      rules: draft.rules,
      overrides: draft.overrides ?? {},
    };
    assertValidForItsSet(candidate);
    const rows: {
      event_id: string;
      source: string;
      text: string;
      scores: Record<string, number>;
      flag_id: string | null;
    }[] = await this.db.query(
      `SELECT e.event_id, e.source, e.text, ${SCORES_JSON('e')} AS scores, f.id AS flag_id
       FROM scored_events e LEFT JOIN flags f ON f.scored_event_id = e.id AND f.copy_of IS NULL
       WHERE e.scored_at >= $1 AND e.scored_at < $2
       ORDER BY e.scored_at DESC LIMIT $3`,
      [from, to, SAMPLE_SCAN],
    );
    const result: BacktestSamplesDto = { newlyFlagged: [], noLongerFlagged: [] };
    for (const row of rows) {
      const before = evaluatePolicy(row.scores, live, row.source);
      const after = evaluatePolicy(row.scores, candidate, row.source);
      const sample: BacktestSampleDto = {
        eventId: row.event_id,
        source: row.source,
        text: row.text,
        flagId: row.flag_id,
        liveDecision: before.decision,
        draftDecision: after.decision,
        categories: (after.decision === 'allow' ? before : after).triggered.map((t) => t.category),
      };
      if (before.decision === 'allow' && after.decision !== 'allow') {
        if (result.newlyFlagged.length < SAMPLES) result.newlyFlagged.push(sample);
      } else if (before.decision !== 'allow' && after.decision === 'allow') {
        if (result.noLongerFlagged.length < SAMPLES) result.noLongerFlagged.push(sample);
      }
      if (result.newlyFlagged.length >= SAMPLES && result.noLongerFlagged.length >= SAMPLES) break;
    }
    return result;
  }
}

function assertRange(from: Date, to: Date): void {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to)
    throw new BadRequestException({
      message: 'Validation failed',
      details: [{ field: 'from', errors: ['from and to must be ISO times, from before to'] }],
    });
}
