import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A flagged text's vector, once per method and normalized text (int8 components). */
@Entity({ name: 'text_vectors' })
export class TextVector {
  @PrimaryColumn({ type: 'text' })
  method!: string;

  @PrimaryColumn({ name: 'text_hash', type: 'bytea' })
  textHash!: Buffer;

  @Column({ type: 'bytea' })
  vector!: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

/** Which text vector a flag has; `seq` orders them for replicas catching up. */
@Entity({ name: 'flag_vectors' })
export class FlagVector {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  seq!: string;

  @Index({ unique: true })
  @Column({ name: 'flag_id', type: 'uuid' })
  flagId!: string;

  @Column({ type: 'text' })
  method!: string;

  @Column({ name: 'text_hash', type: 'bytea' })
  textHash!: Buffer;
}

/** Flags whose vectors an erasure deleted, in order: replicas' searches drop them as they read. */
@Entity({ name: 'erased_vectors' })
export class ErasedVector {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  seq!: string;

  @Column({ name: 'flag_id', type: 'uuid' })
  flagId!: string;

  @Column({ name: 'erased_at', type: 'timestamptz', default: () => 'now()' })
  erasedAt!: Date;
}

/** Flags still to vectorize and group (filled by a trigger on flags). */
@Entity({ name: 'wave_inbox' })
export class WaveInboxEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  seq!: string;

  @Column({ name: 'flag_id', type: 'uuid' })
  flagId!: string;
}

@Entity({ name: 'waves' })
export class Wave {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', default: 'open' })
  status!: 'open' | 'decided' | 'merged';

  @Column({ name: 'merged_into', type: 'uuid', nullable: true })
  mergedInto!: string | null;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'raised_at', type: 'timestamptz', nullable: true })
  raisedAt!: Date | null;

  @Column({ name: 'raised_reason', type: 'text', nullable: true })
  raisedReason!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  action!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

@Entity({ name: 'wave_members' })
@Index('idx_wave_members_wave', ['waveId'])
export class WaveMember {
  @PrimaryColumn({ name: 'flag_id', type: 'uuid' })
  flagId!: string;

  @Column({ name: 'wave_id', type: 'uuid' })
  waveId!: string;

  @Column({ type: 'real' })
  similarity!: number;

  @Column({ name: 'joined_at', type: 'timestamptz', default: () => 'now()' })
  joinedAt!: Date;

  @Column({ name: 'excluded_at', type: 'timestamptz', nullable: true })
  excludedAt!: Date | null;

  @Column({ name: 'excluded_by', type: 'uuid', nullable: true })
  excludedBy!: string | null;
}

export const WAVE_ENTITIES = [
  TextVector,
  FlagVector,
  ErasedVector,
  WaveInboxEntry,
  Wave,
  WaveMember,
];
