import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CategoryScores } from '@sieve/moderation';
import type { DataSource } from 'typeorm';

export interface CachedScore {
  /** Hex SHA-256 of the normalized text. */
  hash: string;
  /** What the scorer answered with (e.g. `mistral-moderation-2603` for `-latest`). */
  model: string;
  scores: CategoryScores;
}

/**
 * Scores of normalized texts in Postgres, keyed by the configured model and the text's hash.
 * New entries are written with the batch that scored them (ScoredEventStore).
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
}
