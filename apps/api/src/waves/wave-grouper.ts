import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { campaignSignal, type Policy, WaveGrouping } from '@sieve/moderation';
import { filter } from 'rxjs';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { BackgroundJobs } from '../common/background-jobs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FlagEventsService, notifyFlagEvent } from '../flags/flag-events.service';
import { IngestConsumer } from '../ingest/ingest.consumer';
import { MetricsService } from '../metrics/metrics.service';
import { RequestActivity } from '../metrics/request-activity';
import { PolicyProvider } from '../policies/policy-provider';
import { Precedents } from './precedents';
import { type TextWithVector, toVector, VectorStore } from './vector.store';
import { WaveStore } from './wave.store';

/** Flags taken from the inbox per batch: bigger batches cost fewer round trips per flag. */
const BATCH = 2000;
/**
 * While the consumer has events in hand, or people are using the api, batches are small
 * (~0.1–0.3 s of work), so a burst of events waits at most one of them before the grouping
 * yields. (Batches of 50, waiting from 250 events behind, left p99 at 5,000/s where it was,
 * 10.3 s, and grouped 544 instead of 583–617 flags/s: docs/benchmarks.md. With a backlog of
 * 1M flags, 200 reviewers' queue pages had a p95 of 169–269 ms beside batches of 2,000 and
 * 60 ms beside batches of 250, against 23 ms with no backlog: docs/reliability.md.)
 */
const BUSY_BATCH = 250;
const IDLE_POLL_MS = 250;
const MAX_BACKOFF_MS = 30_000;
/** Failures of a batch of one flag, with an error about its data, before it is left out. */
const LEAVE_OUT_AFTER = 3;
/** Flags left out in a row (no batch succeeding between them): the fault is not theirs. */
const MAX_LEFT_OUT_IN_A_ROW = 3;
/** How long waves wait before looking at the consumer's backlog again. */
const YIELD_MS = 200;
const REBUILD_EVERY_MS = 15 * 60_000;
/** How often every replica reports the inbox (sieve_wave_inbox_*), grouping or not. */
const INBOX_REPORT_MS = 15_000;

/** 96 bits of the text's hash: a memory key, unique at any number of open flags held. */
const textKey = (hash: Buffer) => hash.toString('base64', 0, 12);

/**
 * Postgres refused the batch's data (a data exception or a broken constraint: SQLSTATE classes
 * 22 and 23): a fault of some row in it, which retrying as is would repeat forever. Any other
 * failure (Postgres or Mistral unreachable, a timeout) passes and is retried after a pause.
 */
function faultOfTheData(error: unknown): boolean {
  const code = error instanceof QueryFailedError ? String(error.driverError?.code ?? '') : '';
  return code.startsWith('22') || code.startsWith('23');
}

interface InboxFlag {
  id: string;
  status: string;
  /** Set when a person decided it (approve or remove): it may set precedent. */
  decided_by_person: 'approve' | 'remove' | null;
  text: string;
  erased: boolean;
  recent: boolean;
}

/**
 * Vectorizes new flags and groups the open ones into waves as they arrive, one replica at a
 * time (a transaction-scoped advisory lock per batch). The grouping state (open flags of the
 * window, by normalized text, in a near-duplicate index) lives in memory; a replica rebuilds it
 * from Postgres whenever another one ran a batch since its own last, so replicas can take turns.
 * A failed batch (Mistral down, say) rolls back: its flags go back to the inbox and are retried
 * after a growing pause. Each failure halves the next batch (each success doubles it back), so a
 * flag whose data Postgres refuses ends up in a batch of its own, and is left out of waves after
 * LEAVE_OUT_AFTER tries instead of holding up every flag behind it.
 */
@Injectable()
export class WaveGrouper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Waves');
  private grouping: WaveGrouping | null = null;
  /** The batch number this replica's grouping state reflects (−1: rebuild it). */
  private batch = -1;
  /** Flags whose queue state changed since the last batch (maybe decided or excluded). */
  private readonly changed = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private running: Promise<number> | null = null;
  private backoffMs = 0;
  private builtAt = 0;
  /** The largest batch to take: halved after a failure, doubled back after a success. */
  private batchCap = BATCH;
  /** The flag that last failed alone with a fault of its data, and how often in a row. */
  private failedAlone: { flagId: string; times: number } | null = null;
  private leftOutInARow = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vectors: VectorStore,
    private readonly waves: WaveStore,
    private readonly metrics: MetricsService,
    private readonly activity: RequestActivity,
    private readonly audit: AuditService,
    private readonly consumer: IngestConsumer,
    private readonly precedents: Precedents,
    private readonly policies: PolicyProvider,
    private readonly jobs: BackgroundJobs,
    flagEvents: FlagEventsService,
  ) {
    flagEvents.events
      .pipe(filter((e) => e.type === 'flag.updated'))
      .subscribe((e) => e.ids.forEach((id) => this.changed.add(id)));
  }

  onApplicationBootstrap(): void {
    if (this.config.WAVES_ENABLED) this.schedule(0);
    // Every replica reports the inbox: with WAVES_ENABLED=false everywhere and no grouper, flags
    // would otherwise wait forever without a sign.
    this.jobs.every({
      everyMs: INBOX_REPORT_MS,
      logger: this.logger,
      failed: 'wave inbox not reported',
      run: () => this.describe(),
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // The pipeline comes first: while this replica's consumer is behind, waves wait.
      const backlog = this.consumer.backlog;
      if (backlog > this.config.WAVE_YIELD_BACKLOG) {
        this.schedule(YIELD_MS);
        return;
      }
      const started = Date.now();
      const wanted = backlog > 0 || this.activity.busy() ? BUSY_BATCH : BATCH;
      const limit = Math.min(wanted, this.batchCap);
      this.running = this.runBatch(limit);
      void this.running.then(
        (n) => {
          this.backoffMs = 0;
          this.batchCap = Math.min(BATCH, this.batchCap * 2);
          // Behind, it works WAVE_GROUPING_DUTY of the time: the pipeline and reviewers come
          // first on a busy machine, and the backlog waits (sieve_wave_inbox_backlog).
          const worked = Date.now() - started;
          const duty = this.config.WAVE_GROUPING_DUTY;
          this.schedule(n >= limit ? Math.round((worked * (1 - duty)) / duty) : IDLE_POLL_MS);
        },
        (error: Error) => {
          this.batch = -1;
          this.batchCap = Math.max(1, Math.floor(limit / 2));
          // Narrowing down a flag whose data is refused needs no pause; anything else may be an
          // outage, and waits longer each time.
          const narrowing = faultOfTheData(error) && this.leftOutInARow < MAX_LEFT_OUT_IN_A_ROW;
          this.backoffMs = narrowing
            ? IDLE_POLL_MS
            : Math.min(MAX_BACKOFF_MS, Math.max(500, this.backoffMs * 2));
          this.logger.warn(
            `grouping batch of ${limit} failed (${error.message}); retrying with ${this.batchCap} in ${this.backoffMs} ms`,
          );
          this.schedule(this.backoffMs);
        },
      );
    }, ms);
  }

  /** Whether this replica groups, and what waits in the inbox (for readiness and metrics). */
  async describe(): Promise<{ grouping: string; waiting: number; oldestWaitingSeconds: number }> {
    const inbox = await this.waves.inbox(this.db.manager);
    this.reportInbox(inbox);
    return {
      grouping: this.config.WAVES_ENABLED
        ? 'on this replica (one replica groups at a time)'
        : 'not on this replica (WAVES_ENABLED=false): another replica must group',
      ...inbox,
    };
  }

  private reportInbox(inbox: { waiting: number; oldestWaitingSeconds: number }): void {
    this.metrics.waveInboxBacklog.set(inbox.waiting);
    this.metrics.waveInboxOldestSeconds.set(inbox.oldestWaitingSeconds);
  }

  /** One batch from the inbox; the number of flags it took (0 when another replica holds the lock). */
  async runBatch(limit = BATCH): Promise<number> {
    const taken: string[] = [];
    try {
      const took = await this.groupBatch(limit, taken);
      this.failedAlone = null;
      if (took > 0) this.leftOutInARow = 0;
      return took;
    } catch (error) {
      if (taken.length === 1 && faultOfTheData(error)) await this.failAlone(taken[0], error);
      throw error;
    }
  }

  /** `runBatch`'s work; the flags it took from the inbox are added to `taken`. */
  private async groupBatch(limit: number, takenIds: string[]): Promise<number> {
    // Counted once the batch has committed (a failed one is taken again).
    const counts = {
      grouped: 0,
      alone: 0,
      refused: 0,
      raised: [] as string[],
      inbox: { waiting: 0, oldestWaitingSeconds: 0 },
      byPrecedent: new Map<string, 'approve' | 'remove'>(),
      policyVersion: 0,
    };
    const took = await this.db.transaction(async (tx) => {
      const [{ locked }]: { locked: boolean }[] = await tx.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('sieve_waves')) AS locked`,
      );
      if (!locked) return 0;
      const [taken]: [{ flag_id: string }[], number] = await tx.query(
        `DELETE FROM wave_inbox WHERE seq IN (SELECT seq FROM wave_inbox ORDER BY seq LIMIT ${limit})
         RETURNING flag_id`,
      );
      if (!taken.length) return 0;
      takenIds.push(...taken.map((t) => t.flag_id));
      const policy = await this.policies.activePolicy();
      const grouping = await this.groupingFor(tx, policy);
      const flags: InboxFlag[] = await tx.query(
        `SELECT f.id, f.status, e.text, e.erased_at IS NOT NULL AS erased,
                CASE WHEN f.decided_by IS NOT NULL AND f.copy_of IS NULL THEN f.final_action END
                  AS decided_by_person,
                f.created_at > now() - make_interval(mins => $2) AS recent
         FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
         WHERE f.id = ANY($1::uuid[])`,
        [taken.map((t) => t.flag_id), this.config.WAVE_WINDOW_MINUTES],
      );
      const unerased = flags.filter((f) => !f.erased);
      const found = await this.vectors.vectorsFor(
        tx,
        unerased.map((f) => f.text),
      );
      // A flag whose text the embedding API refused is left out (no vector, no wave).
      const live = unerased.filter((_, i) => found[i] !== null);
      const vectors = found.filter((v): v is TextWithVector => v !== null);
      counts.refused = unerased.length - live.length;
      await this.vectors.attach(
        tx,
        live.map((f, i) => ({ flagId: f.id, hash: vectors[i].hash })),
      );

      live.forEach((flag, i) => {
        if (flag.decided_by_person)
          this.precedents.remember(flag.id, flag.decided_by_person, vectors[i].vector);
      });
      const byPrecedent = policy.precedent
        ? await this.precedents.decide(
            tx,
            live.flatMap((f, i) =>
              f.status === 'open' ? [{ id: f.id, vector: vectors[i].vector }] : [],
            ),
            policy.precedent,
            policy.version,
          )
        : new Map<string, 'approve' | 'remove'>();
      counts.byPrecedent = byPrecedent;
      counts.policyVersion = policy.version;

      const created = new Set<string>();
      const touched = new Set<string>();
      const members: { flagId: string; waveId: string; similarity: number }[] = [];
      const merges: { from: string; into: string }[] = [];
      let grouped = 0;
      live.forEach((flag, i) => {
        if (flag.status === 'decided' || !flag.recent || byPrecedent.has(flag.id)) return;
        const outcome = grouping.arrive({
          id: flag.id,
          textKey: textKey(vectors[i].hash),
          vector: vectors[i].vector,
        });
        if (outcome.kind === 'alone') return;
        grouped++;
        if (outcome.kind === 'created') created.add(outcome.waveId);
        touched.add(outcome.waveId);
        for (const flagId of outcome.members)
          members.push({ flagId, waveId: outcome.waveId, similarity: outcome.similarity });
        for (const from of outcome.absorbed) merges.push({ from, into: outcome.waveId });
      });
      await this.waves.create(
        tx,
        members.filter((m) => created.has(m.waveId)),
      );
      await this.waves.addMembers(tx, members);
      for (const { from, into } of merges) {
        await this.waves.merge(tx, from, into);
        touched.delete(from);
      }
      await this.waves.touch(tx, [...touched]);
      const raisedNow: string[] = [];
      for (const wave of await this.waves.unraisedActivity(tx, [...touched])) {
        const reason = campaignSignal(wave, {
          perMinute: this.config.WAVE_CAMPAIGN_PER_MINUTE,
          authors: this.config.WAVE_CAMPAIGN_AUTHORS,
        });
        if (!reason) continue;
        await this.waves.raise(tx, wave.id, reason);
        counts.raised.push(reason);
        raisedNow.push(wave.id);
        this.logger.log(
          `wave ${wave.id} raised as a campaign (${reason}): ${wave.size} posts from ${wave.authors} authors`,
        );
      }
      if (this.config.WAVE_CAMPAIGN_QUEUE)
        await this.routeCampaigns(tx, this.config.WAVE_CAMPAIGN_QUEUE, raisedNow, members);
      if (members.length)
        await notifyFlagEvent(tx, { type: 'flag.updated', ids: members.map((m) => m.flagId) });
      counts.grouped = grouped;
      counts.alone = live.length - grouped;
      counts.inbox = await this.waves.inbox(tx);
      return taken.length;
    });
    this.metrics.waveFlagsGrouped.inc({ outcome: 'grouped' }, counts.grouped);
    this.metrics.waveFlagsGrouped.inc({ outcome: 'alone' }, counts.alone);
    if (counts.refused) this.metrics.waveFlagsGrouped.inc({ outcome: 'refused' }, counts.refused);
    for (const reason of counts.raised) this.metrics.wavesRaised.inc({ reason });
    this.precedents.counted(counts.byPrecedent, counts.policyVersion);
    if (took) this.reportInbox(counts.inbox);
    return took;
  }

  /**
   * A batch of one flag failed with a fault of its data: after LEAVE_OUT_AFTER times in a row,
   * the flag leaves the inbox (it stays in its queue, in no wave) and the grouping goes on with
   * the flags behind it. Not when flags before it were left out with no batch succeeding in
   * between: then every flag fails, which is no flag's fault.
   */
  private async failAlone(flagId: string, error: unknown): Promise<void> {
    const times = this.failedAlone?.flagId === flagId ? this.failedAlone.times + 1 : 1;
    this.failedAlone = { flagId, times };
    if (times < LEAVE_OUT_AFTER || this.leftOutInARow >= MAX_LEFT_OUT_IN_A_ROW) return;
    try {
      await this.db.query(`DELETE FROM wave_inbox WHERE flag_id = $1`, [flagId]);
    } catch {
      return; // tried again with the next failure
    }
    this.failedAlone = null;
    this.leftOutInARow++;
    this.metrics.waveFlagsGrouped.inc({ outcome: 'failed' });
    this.logger.error(
      `flag ${flagId} left out of waves: grouping it failed ${times} times (${(error as Error).message})`,
    );
  }

  /**
   * Campaigns go to WAVE_CAMPAIGN_QUEUE: every open member of a wave raised in this batch, and
   * the new members of waves raised before. Audited once per batch.
   */
  private async routeCampaigns(
    tx: EntityManager,
    queue: string,
    raisedNow: string[],
    members: { flagId: string; waveId: string }[],
  ): Promise<void> {
    const raised = await this.waves.raised(tx, [...new Set(members.map((m) => m.waveId))]);
    const ids = new Set([
      ...(await this.waves.memberIds(tx, raisedNow)),
      ...members.filter((m) => raised.has(m.waveId)).map((m) => m.flagId),
    ]);
    const moved = await this.waves.route(tx, [...ids], queue);
    if (!moved.length) return;
    await this.audit.record(
      {
        actor: { label: 'sieve-waves' },
        action: 'wave.routed',
        objectType: 'queue',
        objectId: queue,
        details: { flags: moved.length, waveIds: [...raised] },
      },
      tx,
    );
    await notifyFlagEvent(tx, { type: 'flag.updated', ids: moved });
  }

  /**
   * This replica's grouping state, rebuilt when another replica ran a batch since this one's
   * last; flags decided or excluded since are forgotten. Takes the next batch number.
   */
  private async groupingFor(tx: EntityManager, policy: Policy): Promise<WaveGrouping> {
    const [{ last_value, is_called }]: { last_value: string; is_called: boolean }[] =
      await tx.query(`SELECT last_value, is_called FROM wave_grouping_batches`);
    const current = is_called ? Number(last_value) : 0;
    // Rebuilt now and then too: flags that aged out of the window leave memory.
    const stale = Date.now() - this.builtAt > REBUILD_EVERY_MS;
    if (!this.grouping || current !== this.batch || stale) {
      this.grouping = new WaveGrouping(
        this.vectors.threshold,
        randomUUID,
        this.config.WAVE_GROUPING_LIMIT,
      );
      this.changed.clear();
      this.builtAt = Date.now();
      await this.precedents.rebuild(tx, policy.precedent);
      const grouping = this.grouping;
      await this.waves.readOpenFlags(
        tx,
        {
          method: this.vectors.method,
          windowMinutes: this.config.WAVE_WINDOW_MINUTES,
          limit: this.config.WAVE_GROUPING_LIMIT,
        },
        (rows) => {
          for (const row of rows)
            grouping.restore(
              { id: row.flagId, textKey: textKey(row.textHash), vector: toVector(row.vector) },
              row.waveId,
            );
        },
      );
    } else if (this.changed.size) {
      const ids = [...this.changed];
      this.changed.clear();
      for (const id of await this.waves.closed(tx, ids)) this.grouping.forget(id);
      await this.precedents.follow(tx, ids);
    }
    // The live policy's rule was turned on or off since.
    if (Boolean(policy.precedent) !== this.precedents.active)
      await this.precedents.rebuild(tx, policy.precedent);
    const [{ next }]: { next: string }[] = await tx.query(
      `SELECT nextval('wave_grouping_batches') AS next`,
    );
    this.batch = Number(next);
    return this.grouping;
  }
}
