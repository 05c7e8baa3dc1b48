import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How many events of an hour and source scored in each 0.01-wide bucket of a category:
 * backtests read these instead of the events. Kept by HistogramRollupService.
 */
@Entity({ name: 'score_histograms' })
export class ScoreHistogram {
  @PrimaryColumn({ type: 'timestamptz' })
  hour!: Date;

  @PrimaryColumn({ type: 'text' })
  source!: string;

  @PrimaryColumn({ type: 'text' })
  category!: string;

  /** floor(score × 100), 0–100. */
  @PrimaryColumn({ type: 'smallint' })
  bucket!: number;

  @Column({ type: 'integer' })
  events!: number;
}

/** score_histograms summed per UTC day, for backtests over many days. */
@Entity({ name: 'score_histograms_daily' })
export class ScoreHistogramDaily {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ type: 'text' })
  source!: string;

  @PrimaryColumn({ type: 'text' })
  category!: string;

  @PrimaryColumn({ type: 'smallint' })
  bucket!: number;

  @Column({ type: 'integer' })
  events!: number;
}

/** One row: scored events before this time are counted in score_histograms. */
@Entity({ name: 'score_histogram_progress' })
export class ScoreHistogramProgress {
  @PrimaryColumn({ type: 'boolean', default: true })
  id!: boolean;

  @Column({ name: 'rolled_up_to', type: 'timestamptz' })
  rolledUpTo!: Date;
}
