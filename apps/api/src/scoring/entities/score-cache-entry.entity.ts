import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Scores already paid for, by configured model and the SHA-256 of the normalized text, kept for
 * SCORE_CACHE_MAX_AGE_HOURS (ScoreCachePruner). Read and written by ScoreCacheStore; the ingest
 * statement upserts with its SCORE_CACHE_UPSERT. Models are ids of score_models (ScoreModels).
 */
@Entity({ name: 'score_cache' })
export class ScoreCacheEntry {
  @PrimaryColumn({ name: 'text_hash', type: 'bytea' })
  textHash!: Buffer;

  /** The configured model the entry is kept under. */
  @PrimaryColumn({ name: 'model_id', type: 'smallint' })
  modelId!: number;

  /** The model that answered. */
  @Column({ name: 'scored_model_id', type: 'smallint' })
  scoredModelId!: number;

  /** As in scored_events: a layout and the values in its order. */
  @Column({ name: 'score_layout', type: 'smallint' })
  scoreLayout!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'score_values', type: 'real', array: true })
  scoreValues!: number[];
}
