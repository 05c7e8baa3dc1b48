import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A security key or passkey (WebAuthn) a user signs in with, as their second factor. */
@Entity({ name: 'security_keys' })
export class SecurityKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** Base64url, as the browser names it. */
  @Column({ name: 'credential_id', type: 'text', unique: true })
  credentialId!: string;

  /** COSE-encoded; public, so stored as it is. */
  @Column({ name: 'public_key', type: 'bytea' })
  publicKey!: Buffer;

  /** What the key last said it had signed; a key that counts and goes back has been cloned. */
  @Column({ name: 'sign_count', type: 'bigint', default: 0 })
  signCount!: string;

  /** How the browser reaches it (usb, nfc, internal…), so it asks for the right one. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  transports!: string[];

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}

/** A challenge handed out for a key to sign: good once, for one purpose, for five minutes. */
@Entity({ name: 'webauthn_challenges' })
export class WebauthnChallenge {
  @PrimaryColumn({ type: 'text' })
  challenge!: string;

  /** Null for a passkey sign-in: whose it is comes with the key's answer. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'text' })
  purpose!: 'registration' | 'authentication' | 'passkey';

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
