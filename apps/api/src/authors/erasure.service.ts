import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ErasureDto, ErasurePreviewDto } from '@sieve/contracts';
import type { Decision, ErasureMessage } from '@sieve/moderation';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { DecisionOutbox } from '../flags/decision-outbox';
import { notifyFlagEvent } from '../flags/flag-events.service';
import { textHash } from '../scoring/scoring.service';
import { Erasure } from './entities/erasure.entity';

/**
 * Erasure on request (docs/retention.md): every stored event of an author loses its text and
 * context, and so does everything that copied from it — the judge's quoted evidence (stored
 * and cached), explanations, highlights, the author's appeal statements. Scores, decisions and
 * flags stay, so statistics and the transparency report do not change. One transaction: the
 * request, the audit entry and one `erasure` message per event for the platform (the outbox).
 */
@Injectable()
export class ErasureService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: DecisionOutbox,
    private readonly audit: AuditService,
  ) {}

  async erase(
    input: { source: string; authorId: string; reason: string },
    actor: Principal,
    ip: string,
  ): Promise<ErasureDto> {
    return this.db.transaction(async (tx) => {
      // Text vectors are derived from the text too: the flags' go, and a vector no other flag
      // shares (an equal text by someone else) goes with them.
      const [unlinked]: [{ flag_id: string; method: string; text_hash: Buffer }[], number] =
        await tx.query(
          `DELETE FROM flag_vectors v USING flags f, scored_events e
           WHERE v.flag_id = f.id AND e.id = f.scored_event_id AND e.kept
             AND e.source = $1 AND e.author_id = $2 AND e.erased_at IS NULL
           RETURNING v.flag_id, v.method, v.text_hash`,
          [input.source, input.authorId],
        );
      // Every replica's search by meaning reads these and drops the vectors from its memory. It
      // reads them by seq, so they commit in seq order: one erasure at a time writes them.
      if (unlinked.length) {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('sieve_erased_vectors'))`);
        await tx.query(`INSERT INTO erased_vectors (flag_id) SELECT unnest($1::uuid[])`, [
          unlinked.map((u) => u.flag_id),
        ]);
      }
      if (unlinked.length)
        await tx.query(
          `DELETE FROM text_vectors t USING unnest($1::text[], $2::bytea[]) AS u(method, text_hash)
           WHERE t.method = u.method AND t.text_hash = u.text_hash
             AND NOT EXISTS (SELECT 1 FROM flag_vectors v WHERE v.method = t.method AND v.text_hash = t.text_hash)`,
          [unlinked.map((u) => u.method), unlinked.map((u) => u.text_hash)],
        );
      // The judge's cached answers quote the texts they were given: found by the texts' hashes.
      const texts: { text: string }[] = await tx.query(
        `SELECT DISTINCT text FROM scored_events
         WHERE source = $1 AND author_id = $2 AND erased_at IS NULL`,
        [input.source, input.authorId],
      );
      const hashes = [...new Set(texts.map((t) => textHash(t.text)))].map((h) =>
        Buffer.from(h, 'hex'),
      );
      const result: unknown[] = await tx.query(
        `WITH target AS (
             SELECT id FROM scored_events
             WHERE source = $1 AND author_id = $2 AND erased_at IS NULL
             FOR UPDATE
           ), cached AS (
             DELETE FROM judge_cache WHERE text_hash = ANY($3::bytea[])
           ), judged AS (
             UPDATE judgements j SET evidence = '[]', rationale = NULL
             FROM target t WHERE j.scored_event_id = t.id
           ), explained AS (
             DELETE FROM explanations x USING flags f, target t
             WHERE x.flag_id = f.id AND f.scored_event_id = t.id
           ), highlighted AS (
             UPDATE flags f SET highlights = NULL FROM target t WHERE f.scored_event_id = t.id
           ), appealed AS (
             UPDATE appeals a SET statement = '' FROM flags f, target t
             WHERE a.flag_id = f.id AND f.scored_event_id = t.id
           )
           UPDATE scored_events e SET text = '', context = NULL, erased_at = now()
           FROM target t WHERE e.id = t.id
           RETURNING e.id, e.event_id, e.decision, e.erased_at`,
        [input.source, input.authorId, hashes],
      );
      // TypeORM answers an UPDATE … RETURNING with [rows, count].
      const erased = result[0] as {
        id: string;
        event_id: string;
        decision: Decision;
        erased_at: Date;
      }[];
      const erasure = await tx.getRepository(Erasure).save({
        source: input.source,
        authorId: input.authorId,
        reason: input.reason,
        requestedBy: actor.kind === 'token' ? `token:${actor.label}` : actor.label,
        requestedById: actor.kind === 'user' ? actor.id : null,
        eventsErased: erased.length,
      });
      await this.outbox.enqueue(
        tx,
        erased.map((e): ErasureMessage => ({
          schemaVersion: 1,
          kind: 'erasure',
          erasureId: erasure.id,
          eventId: e.event_id,
          source: input.source,
          authorId: input.authorId,
          decision: e.decision,
          erasedAt: e.erased_at.toISOString(),
        })),
      );
      // Queues show the texts as erased, and the grouping forgets the flags' vectors.
      const flags: { id: string }[] = await tx.query(
        `SELECT id FROM flags WHERE scored_event_id = ANY($1::uuid[])`,
        [erased.map((e) => e.id)],
      );
      await notifyFlagEvent(tx, { type: 'flag.updated', ids: flags.map((f) => f.id) });
      await this.audit.record(
        {
          actor,
          action: 'author.erased',
          objectType: 'author',
          objectId: JSON.stringify([input.source, input.authorId]),
          ip,
          details: { erasureId: erasure.id, eventsErased: erased.length, reason: input.reason },
        },
        tx,
      );
      return toDto(erasure);
    });
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
  };
}
