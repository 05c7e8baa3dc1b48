import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One blind check of a reviewer: a copy of a flag in a queue (a golden item, or a decision to
 * make again for a second review), the outcome expected (the golden outcome, or the first
 * reviewer's action), and what the reviewer who decided the copy chose.
 */
@Entity({ name: 'quality_checks' })
export class QualityCheck {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: 'golden' | 'second_review';

  @Column({ name: 'copy_flag_id', type: 'uuid', unique: true })
  copyFlagId!: string;

  @Column({ name: 'original_flag_id', type: 'uuid' })
  originalFlagId!: string;

  @Column({ name: 'golden_item_id', type: 'uuid', nullable: true })
  goldenItemId!: string | null;

  /** The original's strongest triggered category, for the per-category figures. */
  @Column({ type: 'text' })
  category!: string;

  @Column({ name: 'expected_action', type: 'text' })
  expectedAction!: 'approve' | 'remove';

  @Column({ name: 'first_reviewer_id', type: 'uuid', nullable: true })
  firstReviewerId!: string | null;

  /** Whom "next item" handed a golden copy to (each golden item reaches a reviewer once). */
  @Column({ name: 'served_to', type: 'uuid', nullable: true })
  servedTo!: string | null;

  @Column({ name: 'reviewer_id', type: 'uuid', nullable: true })
  reviewerId!: string | null;

  @Column({ type: 'text', nullable: true })
  action!: 'approve' | 'remove' | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
