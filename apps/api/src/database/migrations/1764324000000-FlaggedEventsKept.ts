import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every flag's event is in the kept partition: ingest writes flagged events there, and a rescore
 * or a judgement that flags an allowed event now moves it there in the same statement that
 * changes its decision. Until now such events stayed among the allowed ones until retention
 * swept them, so every join from a flag to its event probed the id index of each day's
 * partition (nine on a new install, about forty with 30 days of retention). Reads now join with
 * `e.kept`, which prunes them to one. This moves the events earlier rescores flagged.
 */
export class FlaggedEventsKept1764324000000 implements MigrationInterface {
  name = 'FlaggedEventsKept1764324000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE scored_events e SET kept = true
       WHERE NOT e.kept AND e.id IN (SELECT scored_event_id FROM flags)`,
    );
  }

  async down(): Promise<void> {
    // Nothing to undo: kept events are where retention would have moved them anyway.
  }
}
