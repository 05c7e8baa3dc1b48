import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An endpoint counts as failing when different messages fail in a row; one message failing again
 * and again is that message's problem (it backs off on its own and gives up in time), so it must
 * not disable the endpoint. `last_failed_delivery_id` is the delivery whose failure the endpoint
 * counted last. No foreign key: the delivery log is pruned.
 */
export class WebhookLastFailedDelivery1764381600000 implements MigrationInterface {
  name = 'WebhookLastFailedDelivery1764381600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE webhook_endpoints ADD COLUMN last_failed_delivery_id bigint`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE webhook_endpoints DROP COLUMN last_failed_delivery_id`);
  }
}
