import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An API token acts in reviews (claims, decisions, notes) as a service account of its own: a
 * users row of kind 'service' that cannot sign in, so the reviews' foreign keys to users hold and
 * the queue shows who acted. Existing tokens get theirs here.
 */
export class TokenActors1764180000000 implements MigrationInterface {
  name = 'TokenActors1764180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE users ADD COLUMN kind text NOT NULL DEFAULT 'person'
        CHECK (kind IN ('person', 'service'))`);
    await queryRunner.query(`
      ALTER TABLE api_tokens ADD COLUMN actor_user_id uuid REFERENCES users (id) ON DELETE RESTRICT`);
    await queryRunner.query(`
      WITH actors AS (
        INSERT INTO users (email, display_name, role, password_hash, kind)
        SELECT id || '@tokens.sieve.invalid', 'API token: ' || name, role, '!', 'service'
          FROM api_tokens
        RETURNING id, email
      )
      UPDATE api_tokens t SET actor_user_id = a.id
        FROM actors a WHERE a.email = t.id || '@tokens.sieve.invalid'`);
    await queryRunner.query(`ALTER TABLE api_tokens ALTER COLUMN actor_user_id SET NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_api_tokens_actor_user ON api_tokens (actor_user_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX uq_api_tokens_actor_user`);
    await queryRunner.query(`ALTER TABLE api_tokens DROP COLUMN actor_user_id`);
    await queryRunner.query(`DELETE FROM users WHERE kind = 'service'`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN kind`);
  }
}
