import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A message to the platform, written with the change it announces; the relay sends it. */
@Entity({ name: 'decision_outbox' })
@Index('decision_outbox_unsent', ['id'], { where: 'sent_at IS NULL' })
export class OutboxMessage {
  /** Identity: the order messages were written in, which is the order they are sent in. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'text' })
  topic!: string;

  /** Messages with the same ordering key (one event) are sent strictly in id order. */
  @Column({ name: 'ordering_key', type: 'text' })
  orderingKey!: string;

  @Column({ name: 'message_key', type: 'text' })
  messageKey!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ type: 'jsonb', default: {} })
  headers!: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** Publishing attempts that failed. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
