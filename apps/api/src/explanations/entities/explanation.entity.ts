import type { Message } from '@sieve/mistral';
import type { FollowUpDto } from '@sieve/contracts';
import type { ExplanationCard } from '@sieve/moderation';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A model's explanation of a flag, and the reviewer's conversation about it. */
@Entity({ name: 'explanations' })
@Index('idx_explanations_flag', ['flagId', 'createdAt'])
export class Explanation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'flag_id', type: 'uuid' })
  flagId!: string;

  /** `offline` explanations are labelled as such everywhere, never as Mistral's. */
  @Column({ type: 'text' })
  explainer!: 'mistral' | 'offline';

  @Column({ type: 'text' })
  model!: string;

  @Column({ type: 'jsonb' })
  card!: ExplanationCard;

  /** What the model was sent and answered, to continue the conversation. */
  @Column({ type: 'jsonb' })
  conversation!: Message[];

  /** The follow-up answers as checked (what reviewers see). */
  @Column({ name: 'follow_ups', type: 'jsonb', default: () => "'[]'" })
  followUps!: FollowUpDto[];

  @Column({ name: 'prompt_tokens', type: 'integer', default: 0 })
  promptTokens!: number;

  @Column({ name: 'completion_tokens', type: 'integer', default: 0 })
  completionTokens!: number;

  /** numeric(12, 6): pg returns it as a string, to keep its precision. */
  @Column({ name: 'cost_usd', type: 'numeric', precision: 12, scale: 6, default: 0 })
  costUsd!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
