import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Flags created in an hour (quality checks' copies aside), per category: the stats page and the
 * transparency report read these instead of the flags. Kept by FlagCountsRollup.
 */
@Entity({ name: 'hourly_flag_counts' })
export class HourlyFlagCount {
  @PrimaryColumn({ type: 'timestamptz' })
  hour!: Date;

  @PrimaryColumn({ type: 'text' })
  category!: string;

  /** Flags with this category among their triggered ones. */
  @Column({ type: 'integer' })
  flags!: number;

  /** Of those, the ones the pipeline blocked. */
  @Column({ type: 'integer' })
  blocks!: number;

  /** Blocked flags whose most severe category is this one ('unknown' when none is recorded). */
  @Column({ name: 'top_blocks', type: 'integer' })
  topBlocks!: number;
}

/** One row: flags created before this time (a whole hour) are counted in hourly_flag_counts. */
@Entity({ name: 'hourly_flag_counts_progress' })
export class HourlyFlagCountsProgress {
  @PrimaryColumn({ type: 'boolean', default: true })
  id!: boolean;

  @Column({ name: 'rolled_up_to', type: 'timestamptz' })
  rolledUpTo!: Date;
}
