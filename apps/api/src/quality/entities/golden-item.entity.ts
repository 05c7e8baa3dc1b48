import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A decided flag policy admins vouch for, with the outcome a reviewer should reach. */
@Entity({ name: 'golden_items' })
export class GoldenItem {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'flag_id', type: 'uuid', unique: true })
  flagId!: string;

  @Column({ name: 'expected_action', type: 'text' })
  expectedAction!: 'approve' | 'remove';

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
