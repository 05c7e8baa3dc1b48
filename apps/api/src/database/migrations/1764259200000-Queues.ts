import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Queues as data (the default, senior and automation-QA queues seeded), versioned routing
 * rules (version 1: none, so every flag waits in the default queue as before), and each flag's
 * queue. Escalated flags are in the senior queue. A decision remembers the queue it moved the
 * flag from, for undo.
 */
export class Queues1764259200000 implements MigrationInterface {
  name = 'Queues1764259200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE queues (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        member_role text CHECK (member_role IN ('reviewer', 'policy_admin', 'admin')),
        member_ids uuid[] NOT NULL DEFAULT '{}',
        lead_ids uuid[] NOT NULL DEFAULT '{}',
        decide_role text NOT NULL DEFAULT 'reviewer' CHECK (decide_role IN ('reviewer', 'policy_admin', 'admin')),
        sla_minutes integer NOT NULL DEFAULT 60 CHECK (sla_minutes > 0),
        ordering text NOT NULL DEFAULT 'oldest' CHECK (ordering IN ('oldest', 'severity', 'priority')),
        built_in boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      INSERT INTO queues (id, name, description, member_role, decide_role, sla_minutes, ordering, built_in) VALUES
        ('default', 'General', 'Every flag no routing rule sends elsewhere.', 'reviewer', 'reviewer', 60, 'oldest', true),
        ('senior', 'Senior review', 'Escalations, and what routing rules send here; policy admins decide.', 'policy_admin', 'policy_admin', 240, 'severity', true),
        ('qa', 'Automation QA', 'A sample of automatic blocks in automated categories, for a person to confirm.', 'reviewer', 'reviewer', 1440, 'oldest', true)`);
    await queryRunner.query(`
      CREATE TABLE routing_versions (
        version integer PRIMARY KEY,
        rules jsonb NOT NULL,
        qa_shares jsonb NOT NULL DEFAULT '{}',
        change_note text,
        published_by uuid REFERENCES users (id) ON DELETE SET NULL,
        published_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`INSERT INTO routing_versions (version, rules) VALUES (1, '[]')`);
    await queryRunner.query(`ALTER TABLE flags ADD COLUMN queue text NOT NULL DEFAULT 'default'`);
    await queryRunner.query(`UPDATE flags SET queue = 'senior' WHERE status = 'escalated'`);
    await queryRunner.query(
      `CREATE INDEX idx_flags_queue_waiting ON flags (queue, created_at, id) WHERE status <> 'decided'`,
    );
    await queryRunner.query(`ALTER TABLE flag_decisions ADD COLUMN queue_before text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE flag_decisions DROP COLUMN queue_before`);
    await queryRunner.query(`DROP INDEX idx_flags_queue_waiting`);
    await queryRunner.query(`ALTER TABLE flags DROP COLUMN queue`);
    await queryRunner.query(`DROP TABLE routing_versions`);
    await queryRunner.query(`DROP TABLE queues`);
  }
}
