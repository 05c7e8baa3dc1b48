import type { UnjudgedReason } from '@sieve/moderation';
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** An event the cascade sent to the judge, waiting (JudgeWorker leases and removes it). */
@Entity({ name: 'judge_requests' })
export class JudgeRequest {
  @PrimaryColumn({ name: 'scored_event_id', type: 'uuid' })
  scoredEventId!: string;

  /** Custom categories, and built-in ones in the gray zone, to judge it on. */
  @Column({ type: 'text', array: true })
  targets!: string[];

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @Column({ name: 'enqueued_at', type: 'timestamptz', default: () => 'now()' })
  enqueuedAt!: Date;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'leased_until', type: 'timestamptz', nullable: true })
  leasedUntil!: Date | null;
}

/** What the judge said about an event and a category, or why it could not say. */
@Entity({ name: 'judgements' })
export class JudgementRow {
  @PrimaryColumn({ name: 'scored_event_id', type: 'uuid' })
  scoredEventId!: string;

  @PrimaryColumn({ type: 'text' })
  category!: string;

  @Column({ name: 'target_version', type: 'text' })
  targetVersion!: string;

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @Column({ type: 'boolean' })
  judged!: boolean;

  @Column({ name: 'unjudged_reason', type: 'text', nullable: true })
  unjudgedReason!: UnjudgedReason | null;

  @Column({ type: 'boolean', nullable: true })
  violates!: boolean | null;

  /** The probability of a violation the thresholds apply to. */
  @Column({ type: 'real', nullable: true })
  score!: number | null;

  @Column({ type: 'real', nullable: true })
  confidence!: number | null;

  /** Verbatim excerpts of the post (the checks dropped any that were not). */
  @Column({ type: 'jsonb', default: [] })
  evidence!: string[];

  @Column({ type: 'text', nullable: true })
  rationale!: string | null;

  @Column({ name: 'dropped_evidence', type: 'integer', default: 0 })
  droppedEvidence!: number;

  @Column({ name: 'post_addresses_model', type: 'boolean', default: false })
  postAddressesModel!: boolean;

  /** The model id, or the offline judge's id. */
  @Column({ type: 'text' })
  judge!: string;

  @Column({ type: 'boolean', default: false })
  cached!: boolean;

  /** Judged for a category in shadow mode: recorded, not acted on. */
  @Column({ type: 'boolean', default: false })
  shadow!: boolean;

  @Column({ name: 'cost_usd', type: 'double precision', default: 0 })
  costUsd!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

/** The judge's checked answer per model, category, rule version and normalized text. */
@Entity({ name: 'judge_cache' })
@Index('idx_judge_cache_text_hash', ['textHash'])
export class JudgeCacheEntry {
  @PrimaryColumn({ type: 'bytea' })
  key!: Buffer;

  /** The normalized text's hash (`textHash`), by which an erasure finds the answers quoting it. */
  @Column({ name: 'text_hash', type: 'bytea' })
  textHash!: Buffer;

  @Column({ type: 'jsonb' })
  judgement!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

/** The judge's calls and cost per UTC day: what the daily budget is checked against. */
@Entity({ name: 'judge_spend' })
export class JudgeSpend {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'integer', default: 0 })
  calls!: number;

  @Column({ type: 'integer', default: 0 })
  cached!: number;

  @Column({ type: 'integer', default: 0 })
  unjudged!: number;

  @Column({ name: 'prompt_tokens', type: 'bigint', default: 0 })
  promptTokens!: string;

  @Column({ name: 'completion_tokens', type: 'bigint', default: 0 })
  completionTokens!: string;

  @Column({ name: 'cost_usd', type: 'double precision', default: 0 })
  costUsd!: number;
}

/** One evaluation of a rule version against reviewer decisions and its examples. */
@Entity({ name: 'judge_evaluations' })
export class JudgeEvaluation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  category!: string;

  @Column({ name: 'target_version', type: 'text' })
  targetVersion!: string;

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @Column({ type: 'text' })
  judge!: string;

  @Column({ type: 'integer' })
  items!: number;

  @Column({ name: 'true_positives', type: 'integer' })
  truePositives!: number;

  @Column({ name: 'false_positives', type: 'integer' })
  falsePositives!: number;

  @Column({ name: 'false_negatives', type: 'integer' })
  falseNegatives!: number;

  @Column({ name: 'true_negatives', type: 'integer' })
  trueNegatives!: number;

  @Column({ type: 'real', nullable: true })
  precision!: number | null;

  @Column({ type: 'real', nullable: true })
  recall!: number | null;

  @Column({ name: 'cost_usd', type: 'double precision', default: 0 })
  costUsd!: number;

  @Column({ type: 'jsonb' })
  results!: unknown;

  /** `running` while its Batch API job runs; `failed` with `error` when it could not finish. */
  @Column({ type: 'text', default: 'done' })
  status!: 'running' | 'done' | 'failed';

  @Column({ name: 'via_batch_api', type: 'boolean', default: false })
  viaBatchApi!: boolean;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
