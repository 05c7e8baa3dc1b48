import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed webhooks: endpoints configured by admins, and one delivery row per message and
 * endpoint, written in the transaction that makes the decision (or, for automatic decisions,
 * before the Kafka offsets are committed), so a restart loses none.
 */
export class Webhooks1764208800000 implements MigrationInterface {
  name = 'Webhooks1764208800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        url text NOT NULL,
        secret text NOT NULL,
        kinds text[] NOT NULL,
        decisions text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        disabled_at timestamptz,
        disabled_reason text,
        consecutive_failures integer NOT NULL DEFAULT 0,
        retry_at timestamptz,
        lease_until timestamptz,
        last_success_at timestamptz,
        last_failure_at timestamptz,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        message_id text NOT NULL,
        kind text NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- when the current round of attempts began (a redelivery starts a new one)
        queued_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        CONSTRAINT webhook_deliveries_once UNIQUE (endpoint_id, message_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, id) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE webhook_endpoints`);
  }
}
