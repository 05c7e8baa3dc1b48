import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A change in a queue's open flags, appended by triggers on flags (QueueOpenCounts migration);
 * a queue's open flags are the sum of its rows. Read by replicas of the release before
 * `queue_status_counts`, during a rolling release; QueueCounts only folds it. To be dropped,
 * with its triggers, in a later release.
 */
@Entity({ name: 'queue_open_counts' })
export class QueueOpenCount {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  seq!: string;

  @Column({ type: 'text' })
  queue!: string;

  @Column({ type: 'bigint' })
  open!: string;
}
