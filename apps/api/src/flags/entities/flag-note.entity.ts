import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A reviewer's note on a flag (1–4,000 characters). */
@Entity({ name: 'flag_notes' })
@Index('idx_flag_notes_flag', ['flagId', 'createdAt'])
export class FlagNote {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'flag_id', type: 'uuid' })
  flagId!: string;

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
