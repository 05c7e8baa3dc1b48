import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security keys and passkeys (WebAuthn) as a second factor beside the authenticator app: each
 * key's credential id and public key (not secrets: they only check signatures), its signature
 * counter (a cloned key shows as a counter that goes back), and the one-time challenges the
 * api has handed out for a key to sign, each good once and for five minutes: for one account,
 * or for no account yet (a passkey sign-in, where the key says whose it is).
 */
export class SecurityKeys1764468000000 implements MigrationInterface {
  name = 'SecurityKeys1764468000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE security_keys (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         credential_id text NOT NULL UNIQUE,
         public_key bytea NOT NULL,
         sign_count bigint NOT NULL DEFAULT 0,
         transports text[] NOT NULL DEFAULT '{}',
         name text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         last_used_at timestamptz
       )`,
    );
    await queryRunner.query(`CREATE INDEX security_keys_user_idx ON security_keys (user_id)`);
    await queryRunner.query(
      `CREATE TABLE webauthn_challenges (
         challenge text PRIMARY KEY,
         user_id uuid REFERENCES users(id) ON DELETE CASCADE,
         purpose text NOT NULL CHECK (purpose IN ('registration', 'authentication', 'passkey')),
         expires_at timestamptz NOT NULL
       )`,
    );
    await queryRunner.query(
      `CREATE INDEX webauthn_challenges_user_idx ON webauthn_challenges (user_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX webauthn_challenges_expiry_idx ON webauthn_challenges (expires_at)
        WHERE user_id IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webauthn_challenges`);
    await queryRunner.query(`DROP TABLE security_keys`);
  }
}
