import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/test-database';
import { dataSourceOptions } from './data-source';

/**
 * The entities document the schema the migrations create; this keeps the two from drifting
 * apart: after every migration, TypeORM's schema sync would change no table or column (type,
 * nullability, default). Constraints, foreign keys and indexes TypeORM cannot express (checks,
 * descending and partial keyset indexes) live in the migrations alone.
 */
const ABOUT_COLUMNS =
  /CREATE TABLE|DROP TABLE|ADD "|DROP COLUMN|ALTER COLUMN "[a-z_]+" (TYPE|SET NOT NULL|DROP NOT NULL|SET DEFAULT|DROP DEFAULT)/;
/** ids from uuidv7() on PostgreSQL 18, gen_random_uuid() before (TimeOrderedIds migration). */
const TIME_ORDERED_IDS =
  /ALTER TABLE "(flags|scored_events|event_keys)" ALTER COLUMN "(id|scored_event_id)" DROP DEFAULT/;
describe('entities and migrations', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(await createTestDatabase('sieve_schema')));
    await db.initialize();
    await db.runMigrations();
  });
  afterAll(() => db?.destroy());

  it('describe every table exactly as the migrations create it', async () => {
    const tables: { table_name: string }[] = await db.query(
      // A partition is a table of its own to information_schema; its parent is the entity's.
      `SELECT table_name FROM information_schema.tables t
       WHERE table_schema = 'public' AND table_name <> 'migrations'
         AND NOT (SELECT relispartition FROM pg_class WHERE oid = t.table_name::regclass)
       ORDER BY 1`,
    );
    expect(db.entityMetadatas.map((m) => m.tableName).sort()).toStrictEqual(
      tables.map((t) => t.table_name),
    );
    const sync = await db.driver.createSchemaBuilder().log();
    expect(
      sync.upQueries
        .map((q) => q.query)
        .filter((q) => ABOUT_COLUMNS.test(q) && !TIME_ORDERED_IDS.test(q)),
    ).toStrictEqual([]);
  });
});
