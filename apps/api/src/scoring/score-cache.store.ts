import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CategoryScores } from '@sieve/moderation';
import type { DataSource, EntityManager } from 'typeorm';

export interface CachedScore {
  /** Hex SHA-256 of the normalized text. */
  hash: string;
  /** What the scorer answered with (e.g. `mistral-moderation-2603` for `-latest`). */
  model: string;
  scores: CategoryScores;
}

/**
 * Scores of normalized texts in Postgres, keyed by the configured model and the text's hash.
 * The ingest writes new entries inside its batch statement (ScoredEventStore, same upsert as
 * SCORE_CACHE_UPSERT); other writers use `save`.
 */
@Injectable()
export class ScoreCacheStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(model: string, hashes: string[], maxAgeHours: number): Promise<CachedScore[]> {
    if (hashes.length === 0) return [];
    return this.db.query(
      `SELECT encode(text_hash, 'hex') AS hash, scored_model AS model, scores
       FROM score_cache
       WHERE model = $1 AND text_hash = ANY($2::bytea[])
         AND created_at > now() - make_interval(hours => $3)`,
      [model, hashes.map((h) => Buffer.from(h, 'hex')), maxAgeHours],
    );
  }

  async save(manager: EntityManager, model: string, scores: CachedScore[]): Promise<void> {
    if (scores.length === 0) return;
    await manager.query(
      `INSERT INTO score_cache (model, text_hash, scored_model, scores)
       SELECT $1, decode(h, 'hex'), m, s FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS c(h, m, s)
       ${SCORE_CACHE_UPSERT}`,
      [
        model,
        scores.map((c) => c.hash),
        scores.map((c) => c.model),
        scores.map((c) => JSON.stringify(c.scores)),
      ],
    );
  }
}

/** A newer score for the same model and text replaces the older one and restarts its age. */
export const SCORE_CACHE_UPSERT = `ON CONFLICT (model, text_hash) DO UPDATE
  SET scored_model = EXCLUDED.scored_model, scores = EXCLUDED.scores, created_at = now()`;
