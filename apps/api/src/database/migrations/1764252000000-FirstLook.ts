import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a reviewer first opened (claimed) a flag: the queue's time to first look. */
export class FirstLook1764252000000 implements MigrationInterface {
  name = 'FirstLook1764252000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE flags ADD COLUMN first_claimed_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE flags DROP COLUMN first_claimed_at`);
  }
}
