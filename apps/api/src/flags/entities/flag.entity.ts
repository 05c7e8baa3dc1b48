import type { Highlights } from '@sieve/moderation';
import type { FlagStatus } from '@sieve/contracts';
import type { TriggeredCategory } from '@sieve/moderation';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A scored event that needs people, with its queue state. "Claimed" is derived from the lease
 * (claimed_by until claim_expires_at), never stored. Written only through FlagStore. Its keyset
 * indexes (created, status + created, severity, all descending) are in the migrations.
 */
@Entity({ name: 'flags' })
export class Flag {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Unique among real flags; quality-check copies share their original's (see copyOf). */
  @Column({ name: 'scored_event_id', type: 'uuid' })
  scoredEventId!: string;

  /** A blind copy for a quality check (golden item or second review): never published. */
  @Column({ name: 'copy_of', type: 'uuid', nullable: true })
  copyOf!: string | null;

  /** A second review's copy is never given to the reviewer who made the first decision. */
  @Column({ name: 'hidden_from', type: 'uuid', nullable: true })
  hiddenFrom!: string | null;

  @Column({ type: 'text', default: 'open' })
  status!: FlagStatus;

  /** The queue it waits in (routing rules chose it; escalation and leads move it). */
  @Column({ type: 'text', default: 'default' })
  queue!: string;

  @Column({ name: 'auto_decision', type: 'text' })
  autoDecision!: 'review' | 'block';

  @Column({ type: 'text', array: true })
  categories!: string[];

  @Column({ type: 'jsonb' })
  triggered!: TriggeredCategory[];

  @Column({ name: 'max_score', type: 'real' })
  maxScore!: number;

  @Column({ name: 'claimed_by', type: 'uuid', nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'claim_expires_at', type: 'timestamptz', nullable: true })
  claimExpiresAt!: Date | null;

  /** When a reviewer first opened it (the queue's time to first look). */
  @Column({ name: 'first_claimed_at', type: 'timestamptz', nullable: true })
  firstClaimedAt!: Date | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'final_action', type: 'text', nullable: true })
  finalAction!: 'approve' | 'remove' | null;

  /** The offline scorer's spans, computed at the first view within a time budget (null before). */
  @Column({ type: 'jsonb', nullable: true })
  highlights!: Highlights | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
