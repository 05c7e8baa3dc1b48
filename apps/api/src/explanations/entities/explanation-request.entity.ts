import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One model call for an explanation, counted against its requester's daily budget. */
@Entity({ name: 'explanation_requests' })
@Index('idx_explanation_requests_user', ['userId', 'requestedAt'])
export class ExplanationRequest {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'flag_id', type: 'uuid' })
  flagId!: string;

  @Column({ type: 'text' })
  kind!: 'explain' | 'regenerate' | 'follow_up';

  @Column({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' })
  requestedAt!: Date;

  /** Prompt + completion tokens, written when the call ends (0 while it runs). */
  @Column({ type: 'integer', default: 0 })
  tokens!: number;
}
