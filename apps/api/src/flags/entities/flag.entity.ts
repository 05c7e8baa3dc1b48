import type { FlagStatus } from '@sieve/contracts';
import type { TriggeredCategory } from '@sieve/moderation';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  OneToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ScoredEvent } from '../../ingest/entities/scored-event.entity';

export { FLAG_STATUSES, type FlagStatus } from '@sieve/contracts';

/** A scored event that needs a human: the review queue is made of these. */
@Entity({ name: 'flags' })
@Index('idx_flags_created', ['createdAt', 'id'])
@Index('idx_flags_status_created', ['status', 'createdAt', 'id'])
export class Flag {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'scored_event_id', type: 'uuid', unique: true })
  scoredEventId!: string;

  @OneToOne(() => ScoredEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scored_event_id' })
  scoredEvent!: ScoredEvent;

  @Column({ type: 'text', default: 'open' })
  status!: FlagStatus;

  /** The automatic decision that raised the flag: `review` or `block`. */
  @Column({ name: 'auto_decision', type: 'text' })
  autoDecision!: 'review' | 'block';

  /** Triggered category names, most severe first; GIN-indexed for the category filter. */
  @Column({ type: 'text', array: true })
  categories!: string[];

  @Column({ type: 'jsonb' })
  triggered!: TriggeredCategory[];

  @Column({ name: 'max_score', type: 'real' })
  maxScore!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
