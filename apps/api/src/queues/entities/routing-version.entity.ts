import type { RoutingRule } from '@sieve/moderation';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A published set of routing rules; the newest is live. Rolling back publishes an old one again. */
@Entity({ name: 'routing_versions' })
export class RoutingVersion {
  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  rules!: RoutingRule[];

  @Column({ name: 'qa_shares', type: 'jsonb', default: {} })
  qaShares!: Record<string, number>;

  @Column({ name: 'change_note', type: 'text', nullable: true })
  changeNote!: string | null;

  @Column({ name: 'published_by', type: 'uuid', nullable: true })
  publishedBy!: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;
}
