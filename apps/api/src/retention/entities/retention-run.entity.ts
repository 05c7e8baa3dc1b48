import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One run of the retention job (or its dry run): when, and what it removed or would remove. */
@Entity({ name: 'retention_runs' })
@Index('idx_retention_runs_started', ['startedAt'])
export class RetentionRun {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'dry_run', type: 'boolean' })
  dryRun!: boolean;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  report!: object;
}
