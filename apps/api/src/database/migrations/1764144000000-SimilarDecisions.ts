import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SimilarDecisions1764144000000 implements MigrationInterface {
  name = 'SimilarDecisions1764144000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Trigram similarity, to show reviewers how near-identical posts were decided. A trusted
    // extension: the database owner may create it without superuser rights.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP EXTENSION IF EXISTS pg_trgm`);
  }
}
