import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A text one replica is scoring now (SCORE_SHARED_CLAIMS); the others wait for its score. */
@Entity({ name: 'score_claims' })
export class ScoreClaim {
  @PrimaryColumn({ type: 'text' })
  model!: string;

  @PrimaryColumn({ name: 'text_hash', type: 'bytea' })
  textHash!: Buffer;

  /** Past this, another replica may take the claim over (its holder died or stalled). */
  @Column({ name: 'claimed_until', type: 'timestamptz' })
  claimedUntil!: Date;
}
