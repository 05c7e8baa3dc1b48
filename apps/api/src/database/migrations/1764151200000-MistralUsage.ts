import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MistralUsage1764151200000 implements MigrationInterface {
  name = 'MistralUsage1764151200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Mistral usage per minute, endpoint and model, added to by every api replica: the stats
    // page shows the whole installation's usage and cost, across restarts.
    await queryRunner.query(`
      CREATE TABLE mistral_usage (
        minute timestamptz NOT NULL,
        endpoint text NOT NULL,
        model text NOT NULL,
        requests integer NOT NULL,
        prompt_tokens bigint NOT NULL,
        completion_tokens bigint NOT NULL,
        cost_usd numeric(14, 6) NOT NULL,
        PRIMARY KEY (minute, endpoint, model)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mistral_usage`);
  }
}
