import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CategoryScores } from '@sieve/moderation';
import type { DataSource, EntityManager } from 'typeorm';
import { SCORES_JSON, ScoreLayouts } from './score-layouts';
import { ScoreModels } from './score-models';

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
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly layouts: ScoreLayouts,
    private readonly models: ScoreModels,
  ) {}

  async find(model: string, hashes: string[], maxAgeHours: number): Promise<CachedScore[]> {
    if (hashes.length === 0) return [];
    return this.db.query(
      `SELECT encode(c.text_hash, 'hex') AS hash, m.name AS model, ${SCORES_JSON('c')} AS scores
       FROM score_cache c JOIN score_models m ON m.id = c.scored_model_id
       WHERE c.model_id = $1 AND c.text_hash = ANY($2::bytea[])
         AND c.created_at > now() - make_interval(hours => $3)`,
      [await this.models.idOf(model), hashes.map((h) => Buffer.from(h, 'hex')), maxAgeHours],
    );
  }

  /**
   * Claims the hashes not claimed by another replica (or whose claim lapsed) and not scored
   * meanwhile, for `leaseMs`; returns the ones this caller now holds. Sorted, so concurrent
   * claimers cannot deadlock.
   */
  async claim(
    model: string,
    hashes: string[],
    leaseMs: number,
    maxAgeHours: number,
  ): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows: { hash: string }[] = await this.db.query(
      `INSERT INTO score_claims (model, text_hash, claimed_until)
       SELECT $1, h, now() + make_interval(secs => $3 / 1000.0)
       FROM unnest($2::bytea[]) AS h
       WHERE NOT EXISTS (SELECT 1 FROM score_cache c WHERE c.model_id = $5 AND c.text_hash = h
                           AND c.created_at > now() - make_interval(hours => $4))
       ORDER BY h
       ON CONFLICT (model, text_hash) DO UPDATE SET claimed_until = EXCLUDED.claimed_until
         WHERE score_claims.claimed_until < now()
       RETURNING encode(text_hash, 'hex') AS hash`,
      [
        model,
        hashes.map((h) => Buffer.from(h, 'hex')),
        leaseMs,
        maxAgeHours,
        await this.models.idOf(model),
      ],
    );
    return new Set(rows.map((r) => r.hash));
  }

  async save(manager: EntityManager, model: string, scores: CachedScore[]): Promise<void> {
    if (scores.length === 0) return;
    const compact = await this.layouts.encode(scores.map((c) => c.scores));
    await manager.query(
      `INSERT INTO score_cache (model_id, text_hash, scored_model_id, score_layout, score_values)
       SELECT $1, decode(h, 'hex'), m, l, translate(v, '[]', '{}')::real[]
       FROM unnest($2::text[], $3::smallint[], $4::smallint[], $5::text[]) AS c(h, m, l, v)
       ${SCORE_CACHE_UPSERT}`,
      [
        await this.models.idOf(model),
        scores.map((c) => c.hash),
        await this.models.ids(scores.map((c) => c.model)),
        compact.map((c) => c.layout),
        compact.map((c) => JSON.stringify(c.values)),
      ],
    );
  }
}

/**
 * Once a score is stored its claim is done (SCORE_SHARED_CLAIMS). The ingest statement adds this
 * after its score-cache upsert only when claims are on; `stored` names the CTE of stored rows.
 */
export const RELEASE_SCORE_CLAIMS = (stored: string, model: string) => `released AS (
    DELETE FROM score_claims c USING ${stored} s
    WHERE c.model = ${model} AND c.text_hash = s.text_hash
  )`;

/** A newer score for the same model and text replaces the older one and restarts its age. */
export const SCORE_CACHE_UPSERT = `ON CONFLICT (text_hash, model_id) DO UPDATE
  SET scored_model_id = EXCLUDED.scored_model_id, score_layout = EXCLUDED.score_layout,
      score_values = EXCLUDED.score_values, created_at = now()`;
