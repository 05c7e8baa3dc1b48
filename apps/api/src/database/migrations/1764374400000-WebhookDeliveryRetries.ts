import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery the receiver refused while it accepted others is retried on its own schedule
 * (`next_attempt_at`, null when due) instead of backing off the whole endpoint: one message a
 * receiver cannot take no longer holds up every message queued behind it until it gives up.
 */
export class WebhookDeliveryRetries1764374400000 implements MigrationInterface {
  name = 'WebhookDeliveryRetries1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE webhook_deliveries ADD COLUMN next_attempt_at timestamptz`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE webhook_deliveries DROP COLUMN next_attempt_at`);
  }
}
