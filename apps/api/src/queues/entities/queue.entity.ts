import type { QueueOrdering, Role } from '@sieve/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A review queue. Members see it and take work from it: everyone at `member_role` or above,
 * plus the users listed; leads assign its items and move them to other queues. `decide_role`
 * is the least role that may decide in it. Built-in queues cannot be deleted.
 */
@Entity({ name: 'queues' })
export class QueueRow {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'member_role', type: 'text', nullable: true })
  memberRole!: Exclude<Role, 'viewer'> | null;

  @Column({ name: 'member_ids', type: 'uuid', array: true, default: '{}' })
  memberIds!: string[];

  @Column({ name: 'lead_ids', type: 'uuid', array: true, default: '{}' })
  leadIds!: string[];

  @Column({ name: 'decide_role', type: 'text', default: 'reviewer' })
  decideRole!: Exclude<Role, 'viewer'>;

  @Column({ name: 'sla_minutes', type: 'integer', default: 60 })
  slaMinutes!: number;

  @Column({ type: 'text', default: 'oldest' })
  ordering!: QueueOrdering;

  /** The share of "next item" answers in this queue that are a golden item due for the reviewer. */
  @Column({ name: 'golden_rate', type: 'real', default: 0 })
  goldenRate!: number;

  /** The share of approvals and removals in this queue given blind to a second reviewer. */
  @Column({ name: 'second_review_rate', type: 'real', default: 0 })
  secondReviewRate!: number;

  @Column({ name: 'built_in', type: 'boolean', default: false })
  builtIn!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
