import type { FlagStatus } from '@sieve/contracts';
import type { PrecedentGrounds, ReviewerAction } from '@sieve/moderation';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A reviewer's action on a flag, or Sieve's by precedent (`precedent` set, no reviewer); undoing
 * it stamps `undone_at` (the row stays).
 */
@Entity({ name: 'flag_decisions' })
@Index('idx_flag_decisions_flag', ['flagId', 'createdAt'])
@Index('idx_flag_decisions_reviewer', ['reviewerId', 'createdAt'])
@Index('idx_flag_decisions_removals', ['createdAt'], {
  where: `action = 'remove' AND undone_at IS NULL`,
})
export class FlagDecision {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'flag_id', type: 'uuid' })
  flagId!: string;

  @Column({ name: 'reviewer_id', type: 'uuid', nullable: true })
  reviewerId!: string | null;

  @Column({ type: 'text' })
  action!: ReviewerAction;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  /** Where undo sends the flag back to. */
  @Column({ name: 'status_before', type: 'text' })
  statusBefore!: FlagStatus;

  /** The queue the flag was in, when the action moved it (escalation); undo puts it back. */
  @Column({ name: 'queue_before', type: 'text', nullable: true })
  queueBefore!: string | null;

  /** False: decided with the post blurred and never revealed; null: the client did not say. */
  @Column({ name: 'content_revealed', type: 'boolean', nullable: true })
  contentRevealed!: boolean | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** Set when Sieve decided by precedent (no reviewer): the decided posts it followed. */
  @Column({ type: 'jsonb', nullable: true })
  precedent!: PrecedentGrounds | null;

  @Column({ name: 'undone_at', type: 'timestamptz', nullable: true })
  undoneAt!: Date | null;
}
