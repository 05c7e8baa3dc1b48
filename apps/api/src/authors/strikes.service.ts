import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type AccountRecommendation,
  type AccountRecommendationMessage,
  type AuthorStrikes,
  type RestrictedPost,
  type StrikeLevel,
  accountRecommendationAt,
  DECISION_FOR_RECOMMENDATION,
  recommendationFell,
  STRIKE_LEVELS,
  strikesFor,
} from '@sieve/moderation';
import type { RepeatOffenderDto, RepeatOffendersDto } from '@sieve/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { BackgroundJobs } from '../common/background-jobs';
import { decodeKeyset, encodeKeyset } from '../common/keyset-cursor';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DECIDED_BY_A_PERSON } from '../flags/decided-by-a-person';
import { DecisionOutbox } from '../flags/decision-outbox';

export interface AuthorRef {
  source: string;
  authorId: string;
}

/**
 * Repeat offenders. An author's strikes come from the decisions that restrict their posts
 * (reviewer removals; automatic blocks no one overrode, closed by automation or not, and
 * removals by precedent, which count as automatic; an overturned appeal takes one away),
 * weighted by STRIKE_RULES over its window. When an author's count takes them to `restrict` or
 * `suspend`, or back below one, an account recommendation (kind `account`) is queued for the
 * platform.
 *
 * What the queue and routing read is the count kept in `author_strikes`. It is counted again on
 * every new restriction and appeal outcome, and, every minute, for the authors whose
 * `recount_at` has come: a decision on one of their posts (which may lift a restriction) marks
 * them, and each count sets it to when its oldest strike leaves the window.
 */
@Injectable()
export class StrikesService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Strikes');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: DecisionOutbox,
    private readonly jobs: BackgroundJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every({
      everyMs: 60_000,
      now: true,
      logger: this.logger,
      failed: 'recounting strikes failed, retrying later',
      run: () => this.recountDue(),
    });
  }

  /**
   * Counts again the authors whose recount is due, a batch per transaction, at most 20 batches
   * a run (an author whose count the api's clock does not yet see change stays due); how many.
   */
  async recountDue(batch = 500): Promise<number> {
    let recounted = 0;
    for (let round = 0; round < 20; round++) {
      let due: AuthorRef[] = [];
      try {
        await this.db.transaction(async (tx) => {
          // SKIP LOCKED: replicas share the work, and an author being counted now is left alone.
          const rows: { source: string; author_id: string }[] = await tx.query(
            `SELECT source, author_id FROM author_strikes
             WHERE recount_at <= now() ORDER BY recount_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
            [batch],
          );
          due = rows.map((d) => ({ source: d.source, authorId: d.author_id }));
          await this.refresh(tx, due);
        });
      } catch (error) {
        if (due.length === 0) throw error;
        // One author whose count fails must not hold back the rest of the batch, which would be
        // taken first again every minute: each is counted on its own.
        await this.recountOneByOne(due);
      }
      recounted += due.length;
      if (due.length < batch) break;
    }
    return recounted;
  }

  /** Counts each author in a transaction of its own; one that fails is tried again in an hour. */
  private async recountOneByOne(authors: AuthorRef[]): Promise<void> {
    for (const author of authors) {
      try {
        await this.db.transaction(async (tx) => {
          const stillDue = await tx.query(
            `SELECT 1 FROM author_strikes WHERE source = $1 AND author_id = $2
               AND recount_at <= now() FOR UPDATE SKIP LOCKED`,
            [author.source, author.authorId],
          );
          if (stillDue.length > 0) await this.refresh(tx, [author]);
        });
      } catch (error) {
        this.logger.warn(
          `counting an author's strikes failed, trying again in an hour: ${(error as Error).message}`,
        );
        await this.db.query(
          `UPDATE author_strikes SET recount_at = now() + interval '1 hour'
           WHERE source = $1 AND author_id = $2`,
          [author.source, author.authorId],
        );
      }
    }
  }

  /**
   * The authors at `minLevel` or above as last counted, most struck first, a page of `limit` after
   * `cursor`; and how many are at each level.
   */
  async repeatOffenders(query: {
    minLevel: Exclude<StrikeLevel, 'none'>;
    source?: string;
    limit: number;
    cursor?: string;
  }): Promise<RepeatOffendersDto> {
    const levels = STRIKE_LEVELS.slice(STRIKE_LEVELS.indexOf(query.minLevel));
    const source = query.source ?? null;
    const after = query.cursor
      ? decodeKeyset(query.cursor, ['strikes', 'source', 'authorId'])
      : null;
    const rows: {
      source: string;
      author_id: string;
      strikes: number;
      level: RepeatOffenderDto['level'];
      updated_at: Date;
      recount_at: Date | null;
    }[] = await this.db.query(
      `SELECT source, author_id, strikes, level, updated_at, recount_at FROM author_strikes
       WHERE level <> 'none' AND level = ANY($1::text[]) AND ($2::text IS NULL OR source = $2)
         AND ($4::real IS NULL OR strikes < $4
              OR (strikes = $4 AND (source, author_id) > ($5::text, $6::text)))
       ORDER BY strikes DESC, source, author_id LIMIT $3 + 1`,
      [levels, source, query.limit, after?.strikes ?? null, after?.source, after?.authorId],
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const counted: { level: RepeatOffenderDto['level']; n: number }[] = await this.db.query(
      `SELECT level, count(*)::int AS n FROM author_strikes
       WHERE level <> 'none' AND ($1::text IS NULL OR source = $1) GROUP BY level`,
      [source],
    );
    const counts = { raise: 0, restrict: 0, suspend: 0 };
    for (const c of counted) counts[c.level] = c.n;
    return {
      counts,
      nextCursor:
        rows.length > query.limit && last
          ? encodeKeyset({
              strikes: String(last.strikes),
              source: last.source,
              authorId: last.author_id,
            })
          : null,
      items: page.map((r) => ({
        source: r.source,
        authorId: r.author_id,
        strikes: r.strikes,
        level: r.level,
        recommendation: accountRecommendationAt(r.level),
        countedAt: r.updated_at.toISOString(),
        recountAt: r.recount_at?.toISOString() ?? null,
      })),
    };
  }

  async forAuthor(
    author: AuthorRef,
    manager: EntityManager = this.db.manager,
  ): Promise<AuthorStrikes> {
    const rules = this.config.STRIKE_RULES;
    const rows: {
      flag_id: string;
      decided_at: Date;
      categories: string[];
      made_by: RestrictedPost['madeBy'];
    }[] = await manager.query(
      `SELECT f.id AS flag_id, coalesce(f.decided_at, f.created_at) AS decided_at, f.categories,
                CASE WHEN f.final_action = 'remove' AND ${DECIDED_BY_A_PERSON} THEN 'reviewer'
                     ELSE 'automatic' END AS made_by
         FROM scored_events e JOIN flags f ON f.scored_event_id = e.id AND f.copy_of IS NULL
         WHERE e.source = $1 AND e.author_id = $2
           AND e.event_created_at > now() - make_interval(days => $3 + 30)
           AND (f.final_action = 'remove' OR (f.final_action IS NULL AND f.auto_decision = 'block'))`,
      [author.source, author.authorId, rules.windowDays],
    );
    return strikesFor(
      rows.map((r) => ({
        flagId: r.flag_id,
        decidedAt: new Date(r.decided_at),
        categories: r.categories,
        madeBy: r.made_by,
      })),
      rules,
      new Date(),
    );
  }

  /**
   * Recomputes the authors of new restrictions (or lifted ones) in `tx`. When an author's
   * recommendation changes (climbs to restrict or suspend, or falls from one), the platform is
   * told: an account message in the same transaction.
   */
  async refresh(tx: EntityManager, authors: AuthorRef[]): Promise<void> {
    const messages: AccountRecommendationMessage[] = [];
    // Each author once, locked in one order: transactions counting the same authors cannot
    // deadlock on their rows.
    const distinct = [
      ...new Map(authors.map((a) => [JSON.stringify([a.source, a.authorId]), a])).entries(),
    ]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, author]) => author);
    for (const author of distinct) {
      // Locked before counting: a decision on the author's posts marks this row in its own
      // transaction, so a count that began before that decision committed cannot overwrite it.
      const [before] = (await tx.query(
        `SELECT level FROM author_strikes WHERE source = $1 AND author_id = $2 FOR UPDATE`,
        [author.source, author.authorId],
      )) as { level: AuthorStrikes['level'] }[];
      const now = await this.forAuthor(author, tx);
      // Counted again when the oldest strike has left the window (counted is newest first; the
      // window includes its first millisecond).
      const oldest = now.counted[now.counted.length - 1];
      const recountAt = oldest
        ? new Date(Date.parse(oldest.decidedAt) + now.windowDays * 86_400_000 + 1)
        : null;
      await tx.query(
        `INSERT INTO author_strikes (source, author_id, strikes, level, recount_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (source, author_id) DO UPDATE
           SET strikes = EXCLUDED.strikes, level = EXCLUDED.level, updated_at = now(),
               recount_at = EXCLUDED.recount_at`,
        [author.source, author.authorId, now.strikes, now.level, recountAt],
      );
      const previous = accountRecommendationAt(before?.level ?? 'none');
      const recommendation = accountRecommendationAt(now.level);
      if (recommendation !== previous) {
        // The threshold crossed: the new recommendation's on a climb, the lifted one's on a fall.
        const crossed = (
          recommendationFell(previous, recommendation) ? previous : recommendation
        ) as Exclude<AccountRecommendation, 'none'>;
        messages.push({
          schemaVersion: 1,
          kind: 'account',
          eventId: await this.latestPost(tx, author, now),
          source: author.source,
          authorId: author.authorId,
          recommendation,
          previousRecommendation: previous,
          decision: DECISION_FOR_RECOMMENDATION[recommendation],
          strikes: now.strikes,
          threshold: this.config.STRIKE_RULES.thresholds[crossed],
          windowDays: now.windowDays,
          recommendedAt: new Date().toISOString(),
        });
      }
    }
    await this.outbox.enqueue(tx, messages);
  }

  /**
   * The post an account recommendation names: the latest whose restriction still counts, or,
   * when none does (every strike lifted or aged out), the author's latest flagged post; empty
   * when Sieve holds none (decisions kept for less time than the strike window).
   */
  private async latestPost(
    tx: EntityManager,
    author: AuthorRef,
    strikes: AuthorStrikes,
  ): Promise<string> {
    const [latest] = (await (strikes.counted.length > 0
      ? tx.query(
          `SELECT e.event_id FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
           WHERE f.id = $1`,
          [strikes.counted[0].flagId],
        )
      : tx.query(
          `SELECT e.event_id FROM scored_events e JOIN flags f ON f.scored_event_id = e.id
           WHERE e.source = $1 AND e.author_id = $2 AND e.kept
           ORDER BY e.event_created_at DESC, e.id DESC LIMIT 1`,
          [author.source, author.authorId],
        ))) as { event_id: string }[];
    return latest?.event_id ?? '';
  }
}
