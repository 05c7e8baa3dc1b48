import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One erasure on request: an author's content erased from the stored events (docs/retention.md). */
@Entity({ name: 'erasures' })
@Index('idx_erasures_requested', ['requestedAt'])
export class Erasure {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'author_id', type: 'text' })
  authorId!: string;

  @Column({ type: 'text' })
  reason!: string;

  /** The user's e-mail or `token:<name>`, as it was then. */
  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @Column({ name: 'requested_by_id', type: 'uuid', nullable: true })
  requestedById!: string | null;

  @Column({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' })
  requestedAt!: Date;

  /** So far, while the erasure runs. */
  @Column({ name: 'events_erased', type: 'integer' })
  eventsErased!: number;

  /** Null while its batches run (docs/retention.md). */
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
