import type { ContentFilter } from '@sieve/moderation';
import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { SavedViewDto } from '@sieve/contracts';
import type { Role } from '../../auth/roles';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ type: 'text' })
  role!: Role;

  /** 'service': an API token's actor in reviews; it has no usable password and cannot sign in. */
  @Column({ type: 'text', default: 'person' })
  kind!: 'person' | 'service';

  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash!: string;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @Column({ name: 'blur_sensitive', type: 'boolean', default: true })
  blurSensitive!: boolean;

  @Column({ name: 'saved_views', type: 'jsonb', default: () => "'[]'" })
  savedViews!: SavedViewDto[];

  /** Per category: show, greyscale, blur or warn (reviewer wellbeing). */
  @Column({ name: 'content_filters', type: 'jsonb', default: () => "'{}'" })
  contentFilters!: Record<string, ContentFilter>;

  @Column({ name: 'password_changed_at', type: 'timestamptz', default: () => 'now()' })
  passwordChangedAt!: Date;

  /** Set when an admin chose the password: its owner must choose their own before anything else. */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  /** The TOTP secret (base32) of the second factor, once enabled; sealed (SecretBox). */
  @Column({ name: 'totp_secret', type: 'text', nullable: true, select: false })
  totpSecret!: string | null;

  /** A secret being set up, sealed: it replaces nothing until a first code from it is entered. */
  @Column({ name: 'totp_pending_secret', type: 'text', nullable: true, select: false })
  totpPendingSecret!: string | null;

  @Column({ name: 'totp_enabled_at', type: 'timestamptz', nullable: true })
  totpEnabledAt!: Date | null;

  /** The time step of the last app code accepted: a code is good once. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true, select: false })
  totpLastStep!: string | null;

  /** SHA-256 (hex) of each unused recovery code. */
  @Column({
    name: 'recovery_code_hashes',
    type: 'text',
    array: true,
    default: () => "'{}'",
    select: false,
  })
  recoveryCodeHashes!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
