import {
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ErasureDto, ErasurePreviewDto } from '@sieve/contracts';
import { DECISION_FOR_ACTION, type Decision, type ErasureMessage } from '@sieve/moderation';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { BackgroundJobs } from '../common/background-jobs';
import { withSessionLock } from '../database/with-session-lock';
import { DecisionOutbox } from '../flags/decision-outbox';
import { notifyFlagEvent } from '../flags/flag-events.service';
import { textHash } from '../scoring/scoring.service';
import { Erasure } from './entities/erasure.entity';

/** One erased post, as the batch's UPDATE returns it. */
interface ErasedPost {
  id: string;
  event_id: string;
  /** The pipeline's decision, which stands unless the flag was decided since (final_action). */
  decision: Decision;
  final_action: 'approve' | 'remove' | null;
  erased_at: Date;
}

/** Where the next batch starts: after the last post the previous one erased. */
interface Position {
  /** As Postgres prints it (as the request's time is read): a Date would cut the microseconds. */
  createdAt: string;
  id: string;
}

/**
 * Erasure on request (docs/retention.md): every stored event of an author loses its text and
 * context, and so does everything that copied from it — the judge's quoted evidence (stored
 * and cached), explanations, highlights, the author's appeal statements. Scores, decisions and
 * flags stay, so statistics and the transparency report do not change.
 *
 * The posts go in batches, each one transaction with the `erasure` messages for the platform
 * (the outbox) and the erasure's count, newest post first. One transaction for the whole author
 * ran into the pool's statement timeout past some tens of thousands of posts, and the author
 * could not be erased at all. The request waits up to `answerWithinMs` for the last batch (201);
 * past that it is answered 202 and the erasure goes on in the background. An erasure a replica
 * did not finish (it stopped, or crashed) is taken up by any replica within a minute.
 */
@Injectable()
export class ErasureService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Erasure');
  private readonly running = new Map<string, Promise<unknown>>();
  private stopping = false;

  /** Posts per transaction: about 0.3 s each here (docs/retention.md). Specs lower it. */
  batchSize = 2_000;
  /** How long a request waits for its erasure before it is answered 202. Specs lower it. */
  answerWithinMs = 10_000;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: DecisionOutbox,
    private readonly audit: AuditService,
    private readonly jobs: BackgroundJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every({
      everyMs: 60_000,
      now: true,
      logger: this.logger,
      failed: 'resuming unfinished erasures failed, retrying later',
      run: () => this.resumeUnfinished(),
    });
  }

  /** Resuming stops too: it takes up nothing once `stopping` is set. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.running.values());
  }

  /**
   * Records the request (audited as `author.erased`) and erases the posts stored until then.
   * The answer's `completedAt` is null when the erasure still runs after `answerWithinMs`.
   */
  async erase(
    input: { source: string; authorId: string; reason: string },
    actor: Principal,
    ip: string,
  ): Promise<ErasureDto> {
    const erasure = await this.db.transaction(async (tx) => {
      const saved = await tx.getRepository(Erasure).save({
        source: input.source,
        authorId: input.authorId,
        reason: input.reason,
        requestedBy: actor.kind === 'token' ? `token:${actor.label}` : actor.label,
        requestedById: actor.kind === 'user' ? actor.id : null,
        eventsErased: 0,
        completedAt: null,
      });
      await this.audit.record(
        {
          actor,
          action: 'author.erased',
          objectType: 'author',
          objectId: JSON.stringify([input.source, input.authorId]),
          ip,
          details: { erasureId: saved.id, reason: input.reason },
        },
        tx,
      );
      return saved;
    });
    const run = this.continue(erasure.id);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      run,
      new Promise((resolve) => (timer = setTimeout(resolve, this.answerWithinMs))),
    ]).finally(() => clearTimeout(timer));
    return this.get(erasure.id);
  }

  async get(id: string): Promise<ErasureDto> {
    const erasure = await this.db.getRepository(Erasure).findOneBy({ id });
    if (!erasure) throw new NotFoundException({ code: 'not_found', message: 'No such erasure' });
    return toDto(erasure);
  }

  /** Takes up every erasure no replica is running, e.g. after the one running it stopped. */
  async resumeUnfinished(): Promise<void> {
    const unfinished: { id: string }[] = await this.db.query(
      `SELECT id FROM erasures WHERE completed_at IS NULL ORDER BY requested_at`,
    );
    for (const { id } of unfinished) {
      if (this.stopping) return;
      await this.continue(id);
    }
  }

  /**
   * Runs an erasure's remaining batches unless a replica already does (a session lock per
   * erasure). Failures are logged; the erasure stays unfinished and is taken up again later.
   */
  private continue(id: string): Promise<unknown> {
    const already = this.running.get(id);
    if (already) return already;
    // The batches run on the lock's connection: one connection per erasure under way, so that
    // erasures running at once cannot take the pool's every connection and wait on each other.
    const lock = `sieve_erasure:${id}`;
    const run = withSessionLock(this.db, lock, { wait: false }, async (session) => {
      let after: Position | null = null;
      while (!this.stopping) {
        after = await this.eraseBatch(session.manager, id, after);
        if (!after) return;
      }
    })
      .catch((error: Error) =>
        this.logger.warn(`erasure ${id} stopped, taken up again later: ${error.message}`),
      )
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  /**
   * Erases the next batch of the author's posts stored before the request, newest first, after
   * `after`. Answers where the next batch starts, or null when there were no more posts: then
   * the erasure is marked completed, in the same transaction.
   */
  private eraseBatch(
    session: EntityManager,
    erasureId: string,
    after: Position | null,
  ): Promise<Position | null> {
    return session.transaction(async (tx) => {
      const [request]: { source: string; author_id: string; requested_at: string }[] =
        await tx.query(
          `SELECT source, author_id, requested_at::text AS requested_at FROM erasures
           WHERE id = $1 AND completed_at IS NULL FOR UPDATE`,
          [erasureId],
        );
      if (!request) return null;
      // Keyset paging on the author index: the posts a batch erased are never read again.
      const posts: { id: string; text: string; created_at: string }[] = await tx.query(
        `SELECT id, text, event_created_at::text AS created_at FROM scored_events
         WHERE source = $1 AND author_id = $2 AND erased_at IS NULL AND scored_at <= $3::timestamptz
           AND event_created_at <= $4::timestamptz
           AND (event_created_at < $4::timestamptz OR id < $5::uuid)
         ORDER BY event_created_at DESC, id DESC
         LIMIT $6
         FOR UPDATE`,
        [
          request.source,
          request.author_id,
          request.requested_at,
          after?.createdAt ?? 'infinity',
          after?.id ?? 'ffffffff-ffff-ffff-ffff-ffffffffffff',
          this.batchSize,
        ],
      );
      if (posts.length === 0) {
        await this.complete(tx, erasureId);
        return null;
      }
      const ids = posts.map((p) => p.id);
      await this.forgetVectors(tx, ids);
      // The judge's cached answers quote the texts they were given: found by the texts' hashes.
      const hashes = [...new Set(posts.map((p) => textHash(p.text)))].map((h) =>
        Buffer.from(h, 'hex'),
      );
      const result: unknown[] = await tx.query(
        `WITH cached AS (
             DELETE FROM judge_cache WHERE text_hash = ANY($2::bytea[])
           ), judged AS (
             UPDATE judgements j SET evidence = '[]', rationale = NULL
             WHERE j.scored_event_id = ANY($1::uuid[])
           ), explained AS (
             DELETE FROM explanations x USING flags f
             WHERE x.flag_id = f.id AND f.scored_event_id = ANY($1::uuid[])
           ), highlighted AS (
             UPDATE flags f SET highlights = NULL WHERE f.scored_event_id = ANY($1::uuid[])
           ), appealed AS (
             UPDATE appeals a SET statement = '' FROM flags f
             WHERE a.flag_id = f.id AND f.scored_event_id = ANY($1::uuid[])
           )
           UPDATE scored_events e SET text = '', context = NULL, erased_at = now()
           WHERE e.id = ANY($1::uuid[])
           RETURNING e.id, e.event_id, e.decision, e.erased_at,
             (SELECT f.final_action FROM flags f
              WHERE f.scored_event_id = e.id AND f.copy_of IS NULL) AS final_action`,
        [ids, hashes],
      );
      // TypeORM answers an UPDATE … RETURNING with [rows, count].
      const erased = result[0] as ErasedPost[];
      await this.outbox.enqueue(
        tx,
        erased.map((e): ErasureMessage => ({
          schemaVersion: 1,
          kind: 'erasure',
          erasureId,
          eventId: e.event_id,
          source: request.source,
          authorId: request.author_id,
          decision: e.final_action ? DECISION_FOR_ACTION[e.final_action] : e.decision,
          erasedAt: e.erased_at.toISOString(),
        })),
      );
      // Queues show the texts as erased, and the grouping forgets the flags' vectors.
      const flags: { id: string }[] = await tx.query(
        `SELECT id FROM flags WHERE scored_event_id = ANY($1::uuid[])`,
        [ids],
      );
      await notifyFlagEvent(tx, { type: 'flag.updated', ids: flags.map((f) => f.id) });
      await tx.query(`UPDATE erasures SET events_erased = events_erased + $2 WHERE id = $1`, [
        erasureId,
        erased.length,
      ]);
      const last = posts[posts.length - 1];
      return { createdAt: last.created_at, id: last.id };
    });
  }

  /** Marks the erasure completed and tells the platform, in the transaction of its last batch. */
  private async complete(tx: EntityManager, erasureId: string): Promise<void> {
    const [[completed]]: [
      {
        source: string;
        author_id: string;
        events_erased: number;
        requested_at: Date;
        completed_at: Date;
      }[],
      number,
    ] = await tx.query(
      `UPDATE erasures SET completed_at = now() WHERE id = $1
       RETURNING source, author_id, events_erased, requested_at, completed_at`,
      [erasureId],
    );
    await this.outbox.enqueue(tx, [
      {
        schemaVersion: 1,
        kind: 'erasure_completed',
        erasureId,
        source: completed.source,
        authorId: completed.author_id,
        eventsErased: completed.events_erased,
        requestedAt: completed.requested_at.toISOString(),
        completedAt: completed.completed_at.toISOString(),
      },
    ]);
  }

  /**
   * Text vectors are derived from the text too: the flags' go, and a vector no other flag shares
   * (an equal text by someone else) goes with them.
   */
  private async forgetVectors(tx: EntityManager, postIds: string[]): Promise<void> {
    const [unlinked]: [{ flag_id: string; method: string; text_hash: Buffer }[], number] =
      await tx.query(
        `DELETE FROM flag_vectors v USING flags f
         WHERE v.flag_id = f.id AND f.scored_event_id = ANY($1::uuid[])
         RETURNING v.flag_id, v.method, v.text_hash`,
        [postIds],
      );
    if (!unlinked.length) return;
    // Every replica's search by meaning reads these and drops the vectors from its memory. It
    // reads them by seq, so they commit in seq order: one erasure at a time writes them.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('sieve_erased_vectors'))`);
    await tx.query(`INSERT INTO erased_vectors (flag_id) SELECT unnest($1::uuid[])`, [
      unlinked.map((u) => u.flag_id),
    ]);
    await tx.query(
      `DELETE FROM text_vectors t USING unnest($1::text[], $2::bytea[]) AS u(method, text_hash)
       WHERE t.method = u.method AND t.text_hash = u.text_hash
         AND NOT EXISTS (SELECT 1 FROM flag_vectors v WHERE v.method = t.method AND v.text_hash = t.text_hash)`,
      [unlinked.map((u) => u.method), unlinked.map((u) => u.text_hash)],
    );
  }

  async preview(author: { source: string; authorId: string }): Promise<ErasurePreviewDto> {
    const [counts]: { stored: number; flagged: number }[] = await this.db.query(
      `SELECT count(*)::int AS stored,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM flags f WHERE f.scored_event_id = e.id AND f.copy_of IS NULL))::int AS flagged
       FROM scored_events e
       WHERE e.source = $1 AND e.author_id = $2 AND e.erased_at IS NULL`,
      [author.source, author.authorId],
    );
    return { ...author, storedPosts: counts.stored, flaggedPosts: counts.flagged };
  }

  async list(filter: { source?: string; authorId?: string }): Promise<ErasureDto[]> {
    const rows = await this.db.getRepository(Erasure).find({
      where: {
        ...(filter.source ? { source: filter.source } : {}),
        ...(filter.authorId ? { authorId: filter.authorId } : {}),
      },
      order: { requestedAt: 'DESC' },
      take: 100,
    });
    return rows.map(toDto);
  }
}

function toDto(e: Erasure): ErasureDto {
  return {
    id: e.id,
    source: e.source,
    authorId: e.authorId,
    reason: e.reason,
    requestedBy: e.requestedBy,
    requestedAt: new Date(e.requestedAt).toISOString(),
    eventsErased: e.eventsErased,
    completedAt: e.completedAt ? new Date(e.completedAt).toISOString() : null,
  };
}
