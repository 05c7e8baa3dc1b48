import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

export type AppealStatus = 'open' | 'upheld' | 'overturned';

/**
 * An author's appeal against a decision that restricted their post. The expression index
 * `appeals_one_per_decision` (one appeal per appealed decision) is in the migration.
 */
@Entity({ name: 'appeals' })
@Unique('appeals_ref_once', ['source', 'appealRef'])
@Index('appeals_open', ['submittedAt'], { where: `status = 'open'` })
@Index('appeals_decided', ['decidedAt'], { where: `status <> 'open'` })
export class Appeal {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  source!: string;

  /** The platform's id for the appeal: submitting it again returns this one. */
  @Column({ name: 'appeal_ref', type: 'text' })
  appealRef!: string;

  @Column({ name: 'flag_id', type: 'uuid' })
  flagId!: string;

  /** What was appealed: the pipeline's block, or a reviewer's removal. */
  @Column({ name: 'appealed_kind', type: 'text' })
  appealedKind!: 'automatic' | 'reviewer';

  @Column({ name: 'appealed_decision_id', type: 'uuid', nullable: true })
  appealedDecisionId!: string | null;

  /** Who made the appealed decision; they may not decide the appeal. */
  @Column({ name: 'original_reviewer_id', type: 'uuid', nullable: true })
  originalReviewerId!: string | null;

  /** The author's words, as the platform sent them: untrusted content. */
  @Column({ type: 'text' })
  statement!: string;

  @Column({ type: 'text', default: 'open' })
  status!: AppealStatus;

  /** The token, or `kafka`, that submitted it. */
  @Column({ name: 'submitted_by', type: 'text' })
  submittedBy!: string;

  @Column({ name: 'submitted_at', type: 'timestamptz', default: () => 'now()' })
  submittedAt!: Date;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'outcome_reason', type: 'text', nullable: true })
  outcomeReason!: string | null;
}
