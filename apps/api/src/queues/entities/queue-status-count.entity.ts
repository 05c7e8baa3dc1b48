import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A change in a queue's flags of one status, appended by triggers on flags (QueueStatusCounts
 * migration); a queue's flags of a status are the sum of its rows. Read and folded by QueueCounts.
 */
@Entity({ name: 'queue_status_counts' })
export class QueueStatusCount {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  seq!: string;

  @Column({ type: 'text' })
  queue!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'bigint' })
  flags!: string;
}
