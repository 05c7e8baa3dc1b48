import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JudgingStatusDto } from '@sieve/contracts';
import {
  type Judgement,
  type JudgeTarget,
  normalizeForScoring,
  type UnjudgedReason,
} from '@sieve/moderation';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { textHash } from '../scoring/scoring.service';
import { type BatchJobStatus, type Judge, type JudgeAnswer, JudgeAnswerError } from './judges';

export const JUDGE = Symbol('JUDGE');

export interface JudgeItem {
  target: JudgeTarget;
  text: string;
}

export type ItemOutcome =
  | { kind: 'judged'; judgement: Judgement; cached: boolean; costUsd: number }
  | { kind: 'unjudged'; reason: UnjudgedReason; detail: string }
  /** The API failed (after the client's own retries): worth trying again later. */
  | { kind: 'failed'; detail: string };

/** What a pass spent, added to the day's row when its results are stored. */
export interface Spend {
  calls: number;
  cached: number;
  unjudged: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export const NO_SPEND: Spend = {
  calls: 0,
  cached: 0,
  unjudged: 0,
  promptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
};

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Asks the judge about (text, rule) pairs, spending as little as possible: an answer already
 * given for the same normalized text and rule version is reused (judge_cache), the day's budget
 * (JUDGE_DAILY_BUDGET_USD, counted in judge_spend across replicas) and this process's rate cap
 * (JUDGE_MAX_CALLS_PER_MINUTE) are checked before each call, and calls run JUDGE_CONCURRENCY at
 * a time within the Mistral client's rate limiter. Past a cap the pair is unjudged, with the
 * reason, for the caller to send to review.
 */
@Injectable()
export class JudgingService {
  private readonly logger = new Logger('Judge');
  /** Start times of this process's calls in the last minute (the rate cap). */
  private readonly recentCalls: number[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(JUDGE) readonly judge: Judge,
    private readonly metrics: MetricsService,
  ) {}

  cacheKey(item: JudgeItem): Buffer {
    return createHash('sha256')
      .update(
        [
          this.judge.model,
          item.target.category,
          item.target.version,
          normalizeForScoring(item.text),
        ].join('\u0000'),
      )
      .digest();
  }

  /**
   * One outcome per item, in order, and what it cost. Never throws for one item's failure.
   * `viaBatchApi`: what the cache does not answer goes to Mistral in one Batch API job (cheaper,
   * slower: for backfills and evaluations); what the job leaves unanswered is asked online.
   */
  async judgeAll(
    items: JudgeItem[],
    options: {
      viaBatchApi?: boolean;
      onBatchJob?: (job: BatchJobStatus) => void;
    } = {},
  ): Promise<{ outcomes: ItemOutcome[]; spend: Spend }> {
    const spend: Spend = { ...NO_SPEND };
    const outcomes: ItemOutcome[] = new Array(items.length);
    const keys = items.map((item) => this.cacheKey(item));
    const cached = await this.cached(keys);
    const toAsk: number[] = [];
    items.forEach((_, i) => {
      const hit = cached.get(keys[i].toString('hex'));
      if (hit) {
        outcomes[i] = { kind: 'judged', judgement: hit, cached: true, costUsd: 0 };
        spend.cached++;
      } else toAsk.push(i);
    });
    // Same text and rule twice in one pass: asked once.
    const firstOf = new Map<string, number>();
    const duplicates: [number, number][] = [];
    const unique = toAsk.filter((i) => {
      const k = keys[i].toString('hex');
      const first = firstOf.get(k);
      if (first !== undefined) {
        duplicates.push([i, first]);
        return false;
      }
      firstOf.set(k, i);
      return true;
    });

    let spentToday = toAsk.length > 0 ? await this.spentToday() : 0;
    const budget = this.config.JUDGE_DAILY_BUDGET_USD;
    const fresh: { key: Buffer; textHash: Buffer; judgement: Judgement }[] = [];
    const judged = (i: number, answer: JudgeAnswer) => {
      spend.promptTokens += answer.promptTokens;
      spend.completionTokens += answer.completionTokens;
      spend.costUsd += answer.costUsd;
      spentToday += answer.costUsd;
      outcomes[i] = {
        kind: 'judged',
        judgement: answer.judgement,
        cached: false,
        costUsd: answer.costUsd,
      };
      fresh.push({
        key: keys[i],
        textHash: Buffer.from(textHash(items[i].text), 'hex'),
        judgement: answer.judgement,
      });
    };
    let online = unique;
    if (
      options.viaBatchApi &&
      this.judge.judgeInBatchJob &&
      unique.length > 0 &&
      spentToday < budget
    ) {
      const answers = await this.judge.judgeInBatchJob(
        unique.map((i) => items[i]),
        options.onBatchJob,
      );
      spend.calls += unique.length;
      online = [];
      answers.forEach((answer, j) => {
        const i = unique[j];
        if (answer === null) online.push(i);
        else if (answer instanceof JudgeAnswerError)
          outcomes[i] = { kind: 'unjudged', reason: 'invalid_answer', detail: answer.message };
        else judged(i, answer);
      });
      spend.calls -= online.length;
    }
    let next = 0;
    const worker = async () => {
      while (next < online.length) {
        const i = online[next++];
        if (spentToday >= budget) {
          outcomes[i] = {
            kind: 'unjudged',
            reason: 'budget_exhausted',
            detail: `the judge's daily budget of $${budget} is spent`,
          };
          continue;
        }
        if (!this.takeCall()) {
          outcomes[i] = {
            kind: 'unjudged',
            reason: 'rate_capped',
            detail: `more than ${this.config.JUDGE_MAX_CALLS_PER_MINUTE} judge calls in the last minute`,
          };
          continue;
        }
        spend.calls++;
        try {
          judged(i, await this.judge.judge(items[i].target, items[i].text));
        } catch (error) {
          outcomes[i] =
            error instanceof JudgeAnswerError
              ? { kind: 'unjudged', reason: 'invalid_answer', detail: error.message }
              : { kind: 'failed', detail: (error as Error).message };
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.config.JUDGE_CONCURRENCY, online.length) }, worker),
    );
    for (const [i, first] of duplicates) {
      const o = outcomes[first];
      outcomes[i] = o.kind === 'judged' ? { ...o, cached: true, costUsd: 0 } : o;
      if (o.kind === 'judged') spend.cached++;
    }
    spend.unjudged = outcomes.filter((o) => o.kind === 'unjudged').length;
    await this.remember(fresh);
    this.count(outcomes, spend);
    return { outcomes, spend };
  }

  /** Adds a pass's spend to the day (in the caller's transaction, with its results). */
  async addSpend(tx: EntityManager, spend: Spend): Promise<void> {
    if (spend.calls + spend.cached + spend.unjudged === 0) return;
    await tx.query(
      `INSERT INTO judge_spend AS s (day, calls, cached, unjudged, prompt_tokens, completion_tokens, cost_usd)
       VALUES ((now() AT TIME ZONE 'UTC')::date, $1, $2, $3, $4, $5, $6)
       ON CONFLICT (day) DO UPDATE SET
         calls = s.calls + EXCLUDED.calls, cached = s.cached + EXCLUDED.cached,
         unjudged = s.unjudged + EXCLUDED.unjudged,
         prompt_tokens = s.prompt_tokens + EXCLUDED.prompt_tokens,
         completion_tokens = s.completion_tokens + EXCLUDED.completion_tokens,
         cost_usd = s.cost_usd + EXCLUDED.cost_usd`,
      [
        spend.calls,
        spend.cached,
        spend.unjudged,
        spend.promptTokens,
        spend.completionTokens,
        spend.costUsd,
      ],
    );
  }

  async status(): Promise<JudgingStatusDto> {
    const days: {
      day: string;
      calls: number;
      cached: number;
      unjudged: number;
      cost_usd: number;
    }[] = await this.db.query(
      `SELECT day::text AS day, calls, cached, unjudged, cost_usd FROM judge_spend
          WHERE day > (now() AT TIME ZONE 'UTC')::date - 7 ORDER BY day`,
    );
    const [waiting]: { n: number; oldest: number | null }[] = await this.db.query(
      `SELECT count(*)::int AS n, extract(epoch FROM now() - min(enqueued_at))::float AS oldest FROM judge_requests`,
    );
    const day = today();
    const current = days.find((d) => d.day === day);
    const spentUsd = current?.cost_usd ?? 0;
    return {
      judge: { kind: this.judge.kind, model: this.judge.model },
      day,
      budgetUsd: this.config.JUDGE_DAILY_BUDGET_USD,
      spentUsd,
      calls: current?.calls ?? 0,
      cachedAnswers: current?.cached ?? 0,
      unjudged: current?.unjudged ?? 0,
      exhausted:
        spentUsd >= this.config.JUDGE_DAILY_BUDGET_USD
          ? 'budget_exhausted'
          : this.callsInLastMinute() >= this.config.JUDGE_MAX_CALLS_PER_MINUTE
            ? 'rate_capped'
            : null,
      maxCallsPerMinute: this.config.JUDGE_MAX_CALLS_PER_MINUTE,
      waiting: waiting.n,
      oldestWaitingSeconds: Math.round(waiting.oldest ?? 0),
      days: days.map((d) => ({
        day: d.day,
        calls: d.calls,
        cachedAnswers: d.cached,
        unjudged: d.unjudged,
        costUsd: d.cost_usd,
      })),
    };
  }

  private async spentToday(): Promise<number> {
    const [row]: { cost_usd: number }[] = await this.db.query(
      `SELECT cost_usd FROM judge_spend WHERE day = (now() AT TIME ZONE 'UTC')::date`,
    );
    return row?.cost_usd ?? 0;
  }

  private callsInLastMinute(): number {
    const since = Date.now() - 60_000;
    while (this.recentCalls.length > 0 && this.recentCalls[0] < since) this.recentCalls.shift();
    return this.recentCalls.length;
  }

  private takeCall(): boolean {
    if (this.callsInLastMinute() >= this.config.JUDGE_MAX_CALLS_PER_MINUTE) return false;
    this.recentCalls.push(Date.now());
    return true;
  }

  private async cached(keys: Buffer[]): Promise<Map<string, Judgement>> {
    if (keys.length === 0) return new Map();
    const rows: { key: Buffer; judgement: Judgement }[] = await this.db.query(
      `SELECT key, judgement FROM judge_cache WHERE key = ANY($1::bytea[])`,
      [keys],
    );
    return new Map(rows.map((r) => [r.key.toString('hex'), r.judgement]));
  }

  private async remember(
    fresh: { key: Buffer; textHash: Buffer; judgement: Judgement }[],
  ): Promise<void> {
    if (fresh.length === 0) return;
    try {
      await this.db.query(
        `INSERT INTO judge_cache (key, text_hash, judgement)
         SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::jsonb[]) ON CONFLICT (key) DO NOTHING`,
        [
          fresh.map((f) => f.key),
          fresh.map((f) => f.textHash),
          fresh.map((f) => JSON.stringify(f.judgement)),
        ],
      );
    } catch (error) {
      // The answers are still used; only their reuse is lost.
      this.logger.warn(`could not cache ${fresh.length} judgement(s): ${(error as Error).message}`);
    }
  }

  private count(outcomes: ItemOutcome[], spend: Spend): void {
    const m = this.metrics;
    for (const o of outcomes) {
      const outcome =
        o.kind === 'judged'
          ? o.cached
            ? 'cached'
            : 'judged'
          : o.kind === 'failed'
            ? 'judge_failed'
            : o.reason;
      m.judgeCalls.inc({ outcome });
    }
    if (spend.costUsd > 0) m.judgeCostUsd.inc(spend.costUsd);
    const status = (reason: UnjudgedReason) =>
      outcomes.some((o) => o.kind === 'unjudged' && o.reason === reason) ? 1 : 0;
    if (outcomes.length > 0) {
      m.judgeExhausted.set({ reason: 'budget' }, status('budget_exhausted'));
      m.judgeExhausted.set({ reason: 'rate' }, status('rate_capped'));
    }
  }
}
