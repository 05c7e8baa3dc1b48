import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each author's strikes and level as last computed, to tell when a threshold is crossed. */
export class AuthorStrikes1764230400000 implements MigrationInterface {
  name = 'AuthorStrikes1764230400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE author_strikes (
        source text NOT NULL,
        author_id text NOT NULL,
        strikes real NOT NULL,
        level text NOT NULL CHECK (level IN ('none', 'raise', 'restrict', 'suspend')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source, author_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE author_strikes`);
  }
}
