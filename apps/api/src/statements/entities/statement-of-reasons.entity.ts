import type { DsaStatement } from '@sieve/moderation';
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type StatementStatus = 'draft' | 'final' | 'withdrawn';
export type StatementSubmission = 'not_submitted' | 'pending' | 'accepted' | 'rejected';

/** A statement of reasons for one restricting decision, and where its submission stands. */
@Entity({ name: 'statements_of_reasons' })
@Index('statements_by_flag', ['flagId'])
@Index('statements_by_decision', ['decisionId'])
@Index('statements_drafts', ['createdAt'], { where: `status = 'draft'` })
@Index('statements_to_submit', ['nextSubmitAt'], { where: `submission = 'pending'` })
@Index('statements_final_at', ['finalAt'])
export class StatementOfReasons {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The platform's unique id for the statement in the database: idempotency by it. */
  @Column({ type: 'text', unique: true })
  puid!: string;

  @Column({ name: 'flag_id', type: 'uuid' })
  flagId!: string;

  @Column({ name: 'decision_id', type: 'uuid', nullable: true })
  decisionId!: string | null;

  @Column({ name: 'made_by', type: 'text' })
  madeBy!: 'automatic' | 'reviewer';

  /** A reviewer's statement is a draft they may edit until it is final; withdrawn when undone. */
  @Column({ type: 'text' })
  status!: StatementStatus;

  @Column({ type: 'jsonb' })
  statement!: DsaStatement;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'final_at', type: 'timestamptz', nullable: true })
  finalAt!: Date | null;

  @Column({ name: 'edited_by', type: 'uuid', nullable: true })
  editedBy!: string | null;

  @Column({ type: 'text', default: 'not_submitted' })
  submission!: StatementSubmission;

  @Column({ name: 'submit_attempts', type: 'integer', default: 0 })
  submitAttempts!: number;

  @Column({ name: 'next_submit_at', type: 'timestamptz', nullable: true })
  nextSubmitAt!: Date | null;

  @Column({ name: 'submit_error', type: 'text', nullable: true })
  submitError!: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  /** The database's own id for the statement, once accepted. */
  @Column({ name: 'tdb_uuid', type: 'text', nullable: true })
  tdbUuid!: string | null;
}

/** One row: automatic blocks on flags up to this (created_at, id) have their statements. */
@Entity({ name: 'statement_progress' })
export class StatementProgress {
  @PrimaryColumn({ type: 'boolean', default: true })
  id!: boolean;

  @Column({ name: 'flag_created_at', type: 'timestamptz' })
  flagCreatedAt!: Date;

  @Column({ name: 'flag_id', type: 'uuid' })
  flagId!: string;
}
