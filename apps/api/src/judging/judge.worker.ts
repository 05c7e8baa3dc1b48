import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type CategoryScores,
  evaluatePolicy,
  judgeTargetMap,
  judgedTriggers,
  type JudgeTarget,
  type Policy,
  withJudgedTriggers,
} from '@sieve/moderation';
import type { DataSource } from 'typeorm';
import { WakeableSleep } from '../common/wakeable-sleep';
import { SCORES_JSON } from '../scoring/score-layouts';
import { MODEL_NAME } from '../scoring/score-models';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FlagStore } from '../flags/flag.store';
import { MetricsService } from '../metrics/metrics.service';
import { PolicyProvider } from '../policies/policy-provider';
import { RoutingProvider } from '../queues/routing-provider';
import { JudgementStore, toJudgeOutcome } from './judgement.store';
import { type ItemOutcome, JudgingService, NO_SPEND, type Spend } from './judging.service';

/** Events leased per pass, per call in flight: enough to keep every slot busy between passes. */
const EVENTS_PER_SLOT = 8;
/** A leased event not finished by then (a crashed replica) is taken again. */
const LEASE_SECONDS = 120;
/**
 * Passes over an event whose judge calls fail (API down), or whose result cannot be stored,
 * before it goes to review unjudged.
 */
const MAX_ATTEMPTS = 5;
/** The longest an event that cannot even be sent to review waits before it is tried again. */
const MAX_BACKOFF_SECONDS = 3_600;
const POLL_MS = 250;

interface WaitingEvent {
  id: string;
  targets: string[];
  attempts: number;
  source: string;
  event_id: string;
  author_id: string;
  lang: string | null;
  text: string;
  /** Erased at its author's request while it waited: there is no text left to judge. */
  erased: boolean;
  model: string;
  scores: CategoryScores;
  decision: string;
}

/**
 * The cascade's second stage, off the ingest path: ingest stores an event that needs judging
 * with a row in judge_requests (same statement), and this worker — one per replica, sharing the
 * rows through leases and SKIP LOCKED — asks the judge, stores the judgements, and re-decides the
 * event under the live policy in one transaction with its flag and, when the decision changed,
 * the decision message (FlagStore.applyRescore, so through the outbox like every decision).
 * Events that needed judging and could not be judged go to review.
 */
@Injectable()
export class JudgeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('JudgeWorker');
  private loop: Promise<void> | null = null;
  private stopping = false;
  private readonly pause = new WakeableSleep();
  private readonly batch: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly judging: JudgingService,
    private readonly policies: PolicyProvider,
    private readonly routing: RoutingProvider,
    private readonly flags: FlagStore,
    private readonly metrics: MetricsService,
    private readonly judgements: JudgementStore,
  ) {
    this.batch = config.JUDGE_CONCURRENCY * EVENTS_PER_SLOT;
  }

  onApplicationBootstrap(): void {
    if (this.config.JUDGE_WORKER_ENABLED) this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.pause.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let done = 0;
      try {
        done = await this.pass();
        failures = 0;
      } catch (error) {
        failures++;
        this.logger.warn(`judging pass failed (${(error as Error).message}); retrying`);
      }
      if (this.stopping) return;
      if (done < this.batch || failures > 0)
        await this.pause.sleep(failures > 0 ? Math.min(250 * 2 ** failures, 10_000) : POLL_MS);
    }
  }

  /** Judges up to a batch of waiting events; returns how many it leased. */
  async pass(): Promise<number> {
    // One round trip: the lease, and (for the gauge) how many wait, leased ones included.
    const rows: (WaitingEvent & { waiting: number })[] = await this.db.query(
      `WITH leased AS (
         UPDATE judge_requests r SET leased_until = now() + make_interval(secs => $2), attempts = r.attempts + 1
          WHERE r.scored_event_id IN (
            SELECT scored_event_id FROM judge_requests
             WHERE leased_until IS NULL OR leased_until < now()
             ORDER BY enqueued_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING r.scored_event_id, r.targets, r.attempts),
       total AS (SELECT count(*)::int AS waiting FROM judge_requests)
       SELECT t.waiting, e.id, l.targets, l.attempts, e.source, e.event_id, e.author_id, e.lang,
              e.text, e.erased_at IS NOT NULL AS erased, ${MODEL_NAME('e')} AS model,
              ${SCORES_JSON('e')} AS scores, e.decision
         FROM total t
         LEFT JOIN (leased l JOIN scored_events e ON e.id = l.scored_event_id) ON true`,
      [this.batch, LEASE_SECONDS],
    );
    this.metrics.judgeWaiting.set(rows[0]?.waiting ?? 0);
    const waiting = rows.filter((r) => r.id !== null);
    if (waiting.length === 0) return 0;

    const policy = await this.policies.activePolicy();
    const targets = judgeTargetMap(policy);
    // An erased event is decided on its scores alone, as if no custom category applied.
    const items = waiting.flatMap((e) =>
      (e.erased ? [] : e.targets).flatMap((category) => {
        const target = targets.get(category);
        return target ? [{ event: e, target }] : [];
      }),
    );
    const { outcomes, spend } = await this.judging.judgeAll(
      items.map(({ event, target }) => ({ target, text: event.text })),
    );
    const byEvent = new Map<string, { target: JudgeTarget; outcome: ItemOutcome }[]>();
    items.forEach(({ event, target }, i) => {
      const list = byEvent.get(event.id) ?? [];
      list.push({ target, outcome: outcomes[i] });
      byEvent.set(event.id, list);
    });

    // The API failed for some of an event's pairs: try again later (the answers it did get are
    // cached), until MAX_ATTEMPTS, then send it to review unjudged.
    const retry = waiting.filter(
      (e) =>
        e.attempts < MAX_ATTEMPTS &&
        (byEvent.get(e.id) ?? []).some((j) => j.outcome.kind === 'failed'),
    );
    const finished = waiting.filter((e) => !retry.includes(e));
    if (retry.length > 0) {
      await this.backOff(retry);
      this.logger.warn(
        `${retry.length} event(s) could not be judged yet (${firstFailure(byEvent)}); trying again`,
      );
    }
    try {
      await this.finish(finished, byEvent, policy, spend);
    } catch (error) {
      await this.finishOneByOne(finished, byEvent, policy, spend, error as Error);
    }
    return waiting.length;
  }

  /**
   * The batch's transaction failed: one event's row must not hold up the rest, so each is
   * stored on its own. One that still fails is tried again later with a backoff and, from its
   * MAX_ATTEMPTS-th pass, goes to review unjudged (`store_failed`): never left at `allow`.
   */
  private async finishOneByOne(
    events: WaitingEvent[],
    byEvent: Map<string, { target: JudgeTarget; outcome: ItemOutcome }[]>,
    policy: Policy,
    spend: Spend,
    batchError: Error,
  ): Promise<void> {
    this.logger.warn(
      `storing ${events.length} judged event(s) failed (${batchError.message}); storing them one by one`,
    );
    // What the calls cost was spent whatever happens to the rows.
    await this.db.transaction((tx) => this.judging.addSpend(tx, spend));
    const stuck: WaitingEvent[] = [];
    for (const event of events) {
      try {
        await this.finish([event], byEvent, policy, NO_SPEND);
      } catch (error) {
        if (event.attempts < MAX_ATTEMPTS) {
          stuck.push(event);
          this.logger.warn(
            `judged event ${event.id} could not be stored (${(error as Error).message}); trying again`,
          );
          continue;
        }
        const outcome: ItemOutcome = {
          kind: 'unjudged',
          reason: 'store_failed',
          detail: 'the judgement could not be stored',
        };
        const pairs = (byEvent.get(event.id) ?? []).map(({ target }) => ({ target, outcome }));
        const unstored = new Map([[event.id, pairs]]);
        try {
          await this.finish([event], unstored, policy, { ...NO_SPEND, unjudged: pairs.length });
          this.metrics.judgeCalls.inc({ outcome: 'store_failed' }, pairs.length);
          this.logger.error(
            `judged event ${event.id} could not be stored after ${event.attempts} passes (${(error as Error).message}); sent to review unjudged`,
          );
        } catch (unjudgedError) {
          stuck.push(event);
          this.logger.error(
            `event ${event.id} can be neither judged nor sent to review (${(unjudgedError as Error).message}); trying again later`,
          );
        }
      }
    }
    if (stuck.length > 0) await this.backOff(stuck);
  }

  /** Leaves the events leased for 2^attempts seconds (capped): their next pass comes later. */
  private async backOff(events: WaitingEvent[]): Promise<void> {
    await this.db.query(
      `UPDATE judge_requests
          SET leased_until = now() + make_interval(secs => least(power(2, attempts), $2)::int)
        WHERE scored_event_id = ANY($1::uuid[])`,
      [events.map((e) => e.id), MAX_BACKOFF_SECONDS],
    );
  }

  private async finish(
    events: WaitingEvent[],
    byEvent: Map<string, { target: JudgeTarget; outcome: ItemOutcome }[]>,
    policy: Policy,
    spend: Spend,
  ): Promise<void> {
    const custom = new Map((policy.customCategories ?? []).map((c) => [c.name, c]));
    const decided = events.map((e) => {
      const judged = (byEvent.get(e.id) ?? []).map(({ target, outcome }) =>
        toJudgeOutcome(target.category, outcome),
      );
      const evaluation = withJudgedTriggers(
        evaluatePolicy(e.scores, policy, e.source),
        judgedTriggers(policy, judged, e.scores, e.source),
      );
      return { event: e, judged, evaluation };
    });
    const routes = await this.routing.route(
      decided.map(({ event, evaluation }) => ({
        source: event.source,
        eventId: event.event_id,
        authorId: event.author_id,
        lang: event.lang,
        triggered: evaluation.triggered,
        automatic: evaluation.decision === 'block',
      })),
    );
    const pairs = events.flatMap((e) =>
      (byEvent.get(e.id) ?? []).map(({ target, outcome }) => ({
        scoredEventId: e.id,
        target,
        outcome,
        shadow: custom.get(target.category)?.mode === 'shadow',
      })),
    );
    const decidedAt = new Date();
    await this.db.transaction(async (tx) => {
      await this.judgements.save(tx, pairs, policy.version, this.judging.judge.model);
      const changed = decided.filter((d) => d.evaluation.decision !== d.event.decision);
      if (changed.length > 0)
        await tx.query(
          `UPDATE scored_events e
             SET decision = u.decision, policy_version = $3, kept = e.kept OR u.decision <> 'allow'
             FROM unnest($1::uuid[], $2::text[]) AS u(id, decision) WHERE e.id = u.id`,
          [
            changed.map((d) => d.event.id),
            changed.map((d) => d.evaluation.decision),
            policy.version,
          ],
        );
      await this.flags.applyRescore(
        tx,
        decided.map(({ event, evaluation }, i) => ({
          route: routes[i],
          scoredEventId: event.id,
          source: event.source,
          eventId: event.event_id,
          model: event.model,
          scores: event.scores,
          policyVersion: policy.version,
          decision: evaluation.decision,
          triggered: evaluation.triggered,
          maxScore: evaluation.maxScore,
          decidedAt,
          changed: evaluation.decision !== event.decision,
        })),
      );
      await this.judging.addSpend(tx, spend);
      await tx.query(`DELETE FROM judge_requests WHERE scored_event_id = ANY($1::uuid[])`, [
        events.map((e) => e.id),
      ]);
    });
  }
}

function firstFailure(byEvent: Map<string, { outcome: ItemOutcome }[]>): string {
  for (const list of byEvent.values())
    for (const { outcome } of list) if (outcome.kind === 'failed') return outcome.detail;
  return 'unknown';
}
