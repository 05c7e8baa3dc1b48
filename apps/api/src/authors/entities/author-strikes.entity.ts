import type { StrikeLevel } from '@sieve/moderation';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An author's strikes and level as last computed (recomputed on every restriction). */
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
}
