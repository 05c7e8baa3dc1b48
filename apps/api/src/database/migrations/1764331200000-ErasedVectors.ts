import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure on request deletes the text vectors of an author's flags; each replica's search by
 * meaning holds them in memory too. `erased_vectors` lists the flags whose vectors went, in
 * order (`seq`), so every replica's search drops them the way it picks up new ones: by reading
 * what was added since it last looked.
 */
export class ErasedVectors1764331200000 implements MigrationInterface {
  name = 'ErasedVectors1764331200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE erased_vectors (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        flag_id uuid NOT NULL,
        erased_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE erased_vectors`);
  }
}
