import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A second factor at sign-in: a TOTP secret (RFC 6238, what authenticator apps read from a QR
 * code), the one being set up until a first code proves it, the last time step accepted (a code
 * is good once) and the SHA-256 hashes of the unused recovery codes.
 */
export class SecondFactor1764460800000 implements MigrationInterface {
  name = 'SecondFactor1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE users
         ADD COLUMN totp_secret text,
         ADD COLUMN totp_pending_secret text,
         ADD COLUMN totp_enabled_at timestamptz,
         ADD COLUMN totp_last_step bigint,
         ADD COLUMN recovery_code_hashes text[] NOT NULL DEFAULT '{}'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE users
         DROP COLUMN totp_secret, DROP COLUMN totp_pending_secret, DROP COLUMN totp_enabled_at,
         DROP COLUMN totp_last_step, DROP COLUMN recovery_code_hashes`,
    );
  }
}
