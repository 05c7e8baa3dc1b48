import type { Decision } from '@sieve/moderation';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Every event scored, flagged or not: backtests and shadow runs replay them. Written in bulk by
 * ScoredEventStore (one statement per batch); the id comes from its event key. Partitioned
 * (PartitionedScoredEvents migration): `kept` rows apart, allowed ones by day, so retention
 * drops a day of allowed events at once. `id` is unique by construction (event_keys hands it
 * out), not by a constraint, which a partitioned table could only hold with the partition key.
 */
@Entity({ name: 'scored_events' })
@Index('idx_scored_events_id', ['id'])
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

  /** The model that answered (or the offline scorer's id), by its id in score_models. */
  @Column({ name: 'model_id', type: 'smallint' })
  modelId!: number;

  /** The scores' category names, sorted (score_layouts); `scores_json()` gives the object back. */
  @Column({ name: 'score_layout', type: 'smallint' })
  scoreLayout!: number;

  /**
   * The scores in their layout's order, to six significant digits (`atStoredPrecision`): a fifth
   * of the bytes of a jsonb object.
   */
  @Column({ name: 'score_values', type: 'real', array: true })
  scoreValues!: number[];

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @Column({ type: 'text' })
  decision!: Decision;

  /**
   * Flagged, or something still refers to it: out of reach of the allowed events' retention.
   * Every flag's event is kept (whoever flags an event sets it), so a join from a flag to its
   * event says `e.kept` and reads one partition instead of every day's.
   */
  @Column({ type: 'boolean', default: false })
  kept!: boolean;

  /** When the author's content was erased on request: the text is gone, the decision stays. */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;
}

/**
 * The platform's key of each stored event, once: what makes a replay a replay. Claimed by the
 * ingest statement before it stores the event, and the event's id is handed out here.
 */
@Entity({ name: 'event_keys' })
export class EventKey {
  @PrimaryColumn({ type: 'text' })
  source!: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'scored_event_id', type: 'uuid' })
  scoredEventId!: string;
}
