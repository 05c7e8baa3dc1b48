import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A password an admin set (a new account, a reset) is known to two people. Until its owner
 * chooses their own, their session may only do that (or sign out): `must_change_password`.
 */
export class PasswordChosenByOwner1764453600000 implements MigrationInterface {
  name = 'PasswordChosenByOwner1764453600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN must_change_password`);
  }
}
