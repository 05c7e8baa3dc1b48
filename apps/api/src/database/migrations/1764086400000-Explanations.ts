import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Explanations1764086400000 implements MigrationInterface {
  name = 'Explanations1764086400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE explanations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        flag_id uuid NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
        explainer text NOT NULL CHECK (explainer IN ('mistral', 'offline')),
        model text NOT NULL,
        card jsonb NOT NULL,
        conversation jsonb NOT NULL,
        prompt_tokens integer NOT NULL DEFAULT 0,
        completion_tokens integer NOT NULL DEFAULT 0,
        cost_usd numeric(12, 6) NOT NULL DEFAULT 0,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_explanations_flag ON explanations (flag_id, created_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE explanations`);
  }
}
