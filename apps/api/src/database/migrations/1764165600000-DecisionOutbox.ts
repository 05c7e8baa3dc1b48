import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages to the platform that have no Kafka offset to be replayed from (reviewer decisions,
 * undo, bulk, rescore) are written here in the transaction that makes the change, and a relay
 * publishes them (flags/decision-outbox.relay.ts). `ordering_key` is what the relay keeps in
 * order (one event); sent rows are kept for a while, then pruned.
 */
export class DecisionOutbox1764165600000 implements MigrationInterface {
  name = 'DecisionOutbox1764165600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE decision_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        topic text NOT NULL,
        ordering_key text NOT NULL,
        message_key text NOT NULL,
        value text NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        sent_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX decision_outbox_unsent ON decision_outbox (id) WHERE sent_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX decision_outbox_unsent_by_key ON decision_outbox (ordering_key, id)
         WHERE sent_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX decision_outbox_sent_at ON decision_outbox (sent_at) WHERE sent_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE decision_outbox`);
  }
}
