import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One security-relevant action. Append-only: triggers refuse UPDATE, DELETE and TRUNCATE. */
@Entity({ name: 'audit_log' })
@Index('idx_audit_log_object', ['objectType', 'objectId'])
export class AuditEntry {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  /** The user's e-mail or the token's name, as it was then. */
  @Column({ name: 'actor_label', type: 'text' })
  actorLabel!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'object_type', type: 'text', nullable: true })
  objectType!: string | null;

  @Column({ name: 'object_id', type: 'text', nullable: true })
  objectId!: string | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: object | null;

  @Column({ type: 'jsonb', nullable: true })
  after!: object | null;

  @Column({ type: 'jsonb', nullable: true })
  details!: object | null;
}
