import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PolicyAuthoring1764108000000 implements MigrationInterface {
  name = 'PolicyAuthoring1764108000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE policy_versions
        ADD COLUMN overrides jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN based_on integer REFERENCES policy_versions (version),
        ADD COLUMN created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        ADD COLUMN published_by uuid REFERENCES users (id) ON DELETE SET NULL`);
    // One draft at a time: policy teams edit the next version together.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_policy_versions_one_draft ON policy_versions ((true)) WHERE status = 'draft'`,
    );
    // Published versions are immutable: only a draft may change, and only into a published version.
    await queryRunner.query(`
      CREATE FUNCTION policy_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'published' THEN
          RAISE EXCEPTION 'published policy version % is immutable', OLD.version;
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER policy_versions_immutable BEFORE UPDATE OR DELETE ON policy_versions
      FOR EACH ROW EXECUTE FUNCTION policy_versions_immutable()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER policy_versions_immutable ON policy_versions`);
    await queryRunner.query(`DROP FUNCTION policy_versions_immutable()`);
    await queryRunner.query(`DROP INDEX uq_policy_versions_one_draft`);
    await queryRunner.query(`
      ALTER TABLE policy_versions DROP COLUMN overrides, DROP COLUMN based_on,
        DROP COLUMN created_by, DROP COLUMN published_by`);
  }
}
