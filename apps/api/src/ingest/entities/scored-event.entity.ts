import type { CategoryScores, Decision } from '@sieve/moderation';
import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * Every event scored, flagged or not: backtests and shadow runs replay them. Written in bulk by
 * ScoredEventStore (one statement per batch); the id is a uuidv7 where PostgreSQL has it.
 */
@Entity({ name: 'scored_events' })
@Unique('uq_scored_events_source_event', ['source', 'eventId'])
@Index('idx_scored_events_scored_at', ['scoredAt'])
@Index('idx_scored_events_author', ['source', 'authorId', 'eventCreatedAt'])
export class ScoredEvent {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'author_id', type: 'text' })
  authorId!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'text', nullable: true })
  lang!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  context!: Record<string, unknown> | null;

  @Column({ name: 'event_created_at', type: 'timestamptz' })
  eventCreatedAt!: Date;

  @Column({ name: 'scored_at', type: 'timestamptz', default: () => 'now()' })
  scoredAt!: Date;

  /** The model that answered (or the offline scorer's id). */
  @Column({ type: 'text' })
  model!: string;

  @Column({ type: 'jsonb' })
  scores!: CategoryScores;

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @Column({ type: 'text' })
  decision!: Decision;

  @Column({ name: 'kafka_partition', type: 'integer', nullable: true })
  kafkaPartition!: number | null;

  @Column({ name: 'kafka_offset', type: 'bigint', nullable: true })
  kafkaOffset!: string | null;
}
