import type { StrikeLevel } from '@sieve/moderation';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An author's strikes and level as last computed: on every restriction, after a decision on one
 * of their posts, and when the oldest counted strike leaves the window (`recountAt`).
 */
@Entity({ name: 'author_strikes' })
export class AuthorStrikesRow {
  @PrimaryColumn({ type: 'text' })
  source!: string;

  @PrimaryColumn({ name: 'author_id', type: 'text' })
  authorId!: string;

  @Column({ type: 'real' })
  strikes!: number;

  @Column({ type: 'text' })
  level!: StrikeLevel;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  /** When they must be counted again; null while no strike counts. */
  @Column({ name: 'recount_at', type: 'timestamptz', nullable: true })
  recountAt!: Date | null;
}
