import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type CategoryScores,
  evaluatePolicy,
  type JudgeOutcome,
  judgedTriggers,
  judgeTargetMap,
  judgeTargetsFor,
  type Policy,
  withJudgedTriggers,
} from '@sieve/moderation';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FlagStore } from '../flags/flag.store';
import { JudgementStore, toJudgeOutcome } from '../judging/judgement.store';
import { JudgingService } from '../judging/judging.service';
import { PolicyProvider } from '../policies/policy-provider';
import { RoutingProvider } from '../queues/routing-provider';
import { HistogramRollupService } from '../policies/histogram-rollup.service';
import { ShadowResultsStore } from '../policies/shadow-results.store';
import { SCORES_JSON, ScoreLayouts } from '../scoring/score-layouts';
import { ScoreCacheStore } from '../scoring/score-cache.store';
import { ScoreModels } from '../scoring/score-models';
import type { BatchJobProgress } from '../scoring/moderation-scorer';
import { ScoringService, type TextOutcome } from '../scoring/scoring.service';

export interface RescoreOptions {
  from: Date;
  to: Date;
  /** A published policy version; default the live one. */
  policyVersion?: number;
  /** Count what would change without writing or publishing. */
  dryRun?: boolean;
  /** Score through Mistral's Batch API; default RESCORE_VIA_BATCH_API. */
  viaBatchApi?: boolean;
  /**
   * Ask the judge again about the custom (and gray-zone) categories each event's pre-filter
   * passes under the policy — a backfill after a rule is added or reworded. Through the Batch
   * API too when `viaBatchApi`. Without it, stored judgements are kept as they are.
   */
  judge?: boolean;
  /** Events read and scored at once: default 500 online, 20,000 (one job) through the Batch API. */
  chunkSize?: number;
  onProgress?: (progress: RescoreProgress) => void;
}

export interface RescoreProgress {
  total: number;
  done: number;
  /** Events whose decision changed. */
  changed: number;
  /** Newly flagged events (a flag was created). */
  newlyFlagged: number;
  /** Events whose open flag would no longer be raised; the flag stays open for a reviewer. */
  noLongerFlagged: number;
  refused: number;
  /** (event, category) pairs the judge was asked about (with `judge`; counted in a dry run). */
  judged: number;
  /** The Batch API job scoring the current chunk, while there is one. */
  batchJob?: BatchJobProgress;
}

interface StoredRow {
  id: string;
  source: string;
  event_id: string;
  author_id: string;
  lang: string | null;
  text: string;
  decision: string;
  old_scores: CategoryScores;
  /** Full microsecond precision, for the keyset and the histograms (a JS Date would round it). */
  cursor_at: string;
  flag_status: string | null;
}

/**
 * Re-scores the stored events of a time range with the configured model (and a chosen policy):
 * `node main.js --rescore --from … --to …`. Scores go through ScoringService, so texts already
 * scored by this model cost nothing; the others go online or, when configured, in one Batch API
 * job per chunk. Open flags get the new scores; decided ones keep their review (FlagStore).
 * Changed decisions reach the platform through the decision outbox. Erased posts are left as
 * they are: their text is gone, and scoring the empty text would undo their decisions.
 */
@Injectable()
export class RescoreService {
  private readonly logger = new Logger('Rescore');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly scoring: ScoringService,
    private readonly policies: PolicyProvider,
    private readonly flags: FlagStore,
    private readonly routing: RoutingProvider,
    private readonly shadowResults: ShadowResultsStore,
    private readonly scoreCache: ScoreCacheStore,
    private readonly histograms: HistogramRollupService,
    private readonly judging: JudgingService,
    private readonly judgements: JudgementStore,
    private readonly layouts: ScoreLayouts,
    private readonly models: ScoreModels,
  ) {}

  async run(options: RescoreOptions): Promise<RescoreProgress> {
    const policy = await this.policyFor(options.policyVersion);
    let viaBatchApi = options.viaBatchApi ?? this.config.RESCORE_VIA_BATCH_API;
    if (viaBatchApi && !this.scoring.hasBatchJobs) {
      this.logger.warn('The offline scorer has no Batch API: scoring online');
      viaBatchApi = false;
    }
    const chunkSize = options.chunkSize ?? (viaBatchApi ? 20_000 : 500);
    const [{ n }] = await this.db.query(
      `SELECT count(*)::int AS n FROM scored_events
       WHERE scored_at >= $1 AND scored_at < $2 AND erased_at IS NULL`,
      [options.from, options.to],
    );
    const progress: RescoreProgress = {
      total: n,
      done: 0,
      changed: 0,
      newlyFlagged: 0,
      noLongerFlagged: 0,
      refused: 0,
      judged: 0,
    };
    let after: { at: string; id: string } | null = null;
    for (;;) {
      const rows: StoredRow[] = await this.db.query(
        `SELECT e.id, e.source, e.event_id, e.author_id, e.lang, e.text, e.decision, e.scored_at::text AS cursor_at,
                ${SCORES_JSON('e')} AS old_scores, f.status AS flag_status
         FROM scored_events e LEFT JOIN flags f ON f.scored_event_id = e.id AND f.copy_of IS NULL
         WHERE e.scored_at >= $1 AND e.scored_at < $2 AND e.erased_at IS NULL
           AND ($3::timestamptz IS NULL OR (e.scored_at, e.id) > ($3, $4::uuid))
         ORDER BY e.scored_at, e.id
         LIMIT $5`,
        [options.from, options.to, after?.at ?? null, after?.id ?? null, chunkSize],
      );
      if (rows.length === 0) break;
      after = { at: rows[rows.length - 1].cursor_at, id: rows[rows.length - 1].id };
      const texts = rows.map((r) => r.text);
      const outcomes = viaBatchApi
        ? await this.scoring.scoreTextsInBatchJob(texts, (batchJob) =>
            options.onProgress?.({ ...progress, batchJob }),
          )
        : await this.scoring.scoreTexts(texts);
      await this.rescoreChunk(rows, outcomes, policy, progress, {
        dryRun: options.dryRun ?? false,
        judge: options.judge ?? false,
        viaBatchApi,
        onProgress: options.onProgress,
      });
      progress.done += rows.length;
      options.onProgress?.({ ...progress });
    }
    return progress;
  }

  private async policyFor(version?: number): Promise<Policy> {
    if (version === undefined) return this.policies.activePolicy();
    const policy = await this.policies.version(version);
    if (!policy) throw new Error(`policy version ${version} does not exist`);
    return policy;
  }

  /** Asks the judge about every category each event's pre-filter passes under `policy`. */
  private async rejudge(
    rows: StoredRow[],
    outcomes: TextOutcome[],
    policy: Policy,
    progress: RescoreProgress,
    options: Pick<RescoreOptions, 'viaBatchApi' | 'onProgress'> & { dryRun: boolean },
  ) {
    const targets = judgeTargetMap(policy);
    const shadowed = new Set(
      (policy.customCategories ?? []).filter((c) => c.mode === 'shadow').map((c) => c.name),
    );
    const items = rows.flatMap((row, i) => {
      const outcome = outcomes[i];
      if (!outcome.ok) return [];
      return judgeTargetsFor(row, outcome.scores, policy).flatMap((category) => {
        const target = targets.get(category);
        return target ? [{ row, target }] : [];
      });
    });
    progress.judged += items.length;
    if (options.dryRun || items.length === 0) return null;
    const { outcomes: answers, spend } = await this.judging.judgeAll(
      items.map(({ row, target }) => ({ target, text: row.text })),
      {
        viaBatchApi: options.viaBatchApi,
        onBatchJob: (job) =>
          options.onProgress?.({
            ...progress,
            batchJob: {
              jobId: job.jobId,
              status: job.status,
              completedRequests: job.completed,
              totalRequests: job.total,
            },
          }),
      },
    );
    const byEvent = new Map<string, JudgeOutcome[]>();
    const pairs = items.map(({ row, target }, i) => {
      byEvent.set(row.id, [
        ...(byEvent.get(row.id) ?? []),
        toJudgeOutcome(target.category, answers[i]),
      ]);
      return {
        scoredEventId: row.id,
        target,
        outcome: answers[i],
        shadow: shadowed.has(target.category),
      };
    });
    return { byEvent, pairs, spend };
  }

  private async rescoreChunk(
    rows: StoredRow[],
    outcomes: TextOutcome[],
    policy: Policy,
    progress: RescoreProgress,
    {
      dryRun,
      judge,
      viaBatchApi,
      onProgress,
    }: Pick<RescoreOptions, 'viaBatchApi' | 'onProgress'> & { dryRun: boolean; judge: boolean },
  ): Promise<void> {
    const updates: {
      row: StoredRow;
      model: string;
      scores: CategoryScores;
      evaluation: ReturnType<typeof evaluatePolicy>;
    }[] = [];
    const judged = await this.judgements.outcomesOf(
      this.db.manager,
      rows.map((r) => r.id),
    );
    const rejudged = judge
      ? await this.rejudge(rows, outcomes, policy, progress, { dryRun, viaBatchApi, onProgress })
      : null;
    rows.forEach((row, i) => {
      const outcome = outcomes[i];
      if (!outcome.ok) {
        progress.refused++;
        return;
      }
      // What the judge said about custom categories still holds (or what it says now, when
      // asked again): only the scores are new.
      const asked = rejudged?.byEvent.get(row.id) ?? [];
      const kept = (judged.get(row.id) ?? []).filter(
        (j) => !asked.some((a) => a.category === j.category),
      );
      const evaluation = withJudgedTriggers(
        evaluatePolicy(outcome.scores, policy, row.source),
        judgedTriggers(policy, [...kept, ...asked], outcome.scores, row.source),
      );
      updates.push({ row, model: outcome.model, scores: outcome.scores, evaluation });
      if (evaluation.decision !== row.decision) progress.changed++;
      if (evaluation.decision !== 'allow' && row.flag_status === null) progress.newlyFlagged++;
      if (evaluation.decision === 'allow' && row.flag_status === 'open') progress.noLongerFlagged++;
    });
    if (dryRun || updates.length === 0) return;
    const shadow = await this.policies.shadowPolicy();

    const fresh = [
      ...new Map(outcomes.flatMap((o) => (o.ok && o.fresh ? [[o.hash, o] as const] : []))).values(),
    ];
    const col = <T>(pick: (u: (typeof updates)[number]) => T) => updates.map(pick);
    await this.db.transaction(async (tx) => {
      if (rejudged) {
        await this.judgements.save(tx, rejudged.pairs, policy.version, this.judging.judge.model);
        await this.judging.addSpend(tx, rejudged.spend);
      }
      await this.scoreCache.save(tx, this.scoring.cacheModel, fresh);
      const compact = await this.layouts.encode(col((u) => u.scores));
      await tx.query(
        `UPDATE scored_events e SET model_id = u.model_id, score_layout = u.layout,
                score_values = translate(u.vals, '[]', '{}')::real[], policy_version = $6,
                decision = u.decision, kept = e.kept OR u.decision <> 'allow'
         FROM unnest($1::uuid[], $2::smallint[], $3::smallint[], $4::text[], $5::text[])
           AS u(id, model_id, layout, vals, decision)
         WHERE e.id = u.id`,
        [
          col((u) => u.row.id),
          await this.models.ids(col((u) => u.model)),
          compact.map((c) => c.layout),
          compact.map((c) => JSON.stringify(c.values)),
          col((u) => u.evaluation.decision),
          policy.version,
        ],
      );
      await this.histograms.move(
        tx,
        updates.map((u) => ({
          scoredAt: u.row.cursor_at,
          source: u.row.source,
          from: u.row.old_scores,
          to: u.scores,
        })),
      );
      const decidedAt = new Date();
      const routes = await this.routing.route(
        updates.map((u) => ({
          source: u.row.source,
          eventId: u.row.event_id,
          authorId: u.row.author_id,
          lang: u.row.lang,
          triggered: u.evaluation.triggered,
          automatic: u.evaluation.decision === 'block',
        })),
      );
      await this.flags.applyRescore(
        tx,
        updates.map((u, i) => ({
          route: routes[i],
          scoredEventId: u.row.id,
          source: u.row.source,
          eventId: u.row.event_id,
          model: u.model,
          scores: u.scores,
          policyVersion: policy.version,
          decision: u.evaluation.decision,
          triggered: u.evaluation.triggered,
          maxScore: u.evaluation.maxScore,
          decidedAt,
          changed: u.evaluation.decision !== u.row.decision,
        })),
      );
      if (shadow) {
        await this.shadowResults.recordRescored(
          tx,
          shadow.version,
          updates.map((u) => {
            const { decision, triggered } = evaluatePolicy(u.scores, shadow, u.row.source);
            return {
              scoredEventId: u.row.id,
              liveDecision: u.evaluation.decision,
              decision,
              triggered,
            };
          }),
        );
      }
    });
  }
}
