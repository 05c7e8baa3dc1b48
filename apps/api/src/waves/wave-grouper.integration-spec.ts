import { contentEvent, eventually, startTestStack } from '../../test/test-stack';
import { MetricsService } from '../metrics/metrics.service';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * The grouping when Postgres refuses one flag's data (a trigger on flag_vectors raises for posts
 * holding a marker, with the SQLSTATE the test chooses): that flag is narrowed down and left out,
 * the others are grouped; an error that is not about the data leaves out nothing.
 */
describe('wave grouping when Postgres refuses a flag', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack({});
    await stack.db.query(`
      CREATE TABLE test_refusals (marker text PRIMARY KEY, sqlstate text NOT NULL);
      CREATE FUNCTION test_refuse_flag() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE refusal test_refusals;
      BEGIN
        SELECT r.* INTO refusal FROM test_refusals r, flags f JOIN scored_events e ON e.id = f.scored_event_id
        WHERE f.id = NEW.flag_id AND e.text LIKE '%' || r.marker || '%';
        IF FOUND THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = refusal.sqlstate; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_refuse BEFORE INSERT ON flag_vectors
        FOR EACH ROW EXECUTE FUNCTION test_refuse_flag();`);
  });
  afterAll(() => stack?.stop());

  const vectorsOf = async (prefix: string) => {
    const { rows } = await stack.db.query(
      `SELECT e.event_id, v.flag_id IS NOT NULL AS vectorized,
              EXISTS (SELECT 1 FROM wave_inbox i WHERE i.flag_id = f.id) AS waiting, f.status
       FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
       LEFT JOIN flag_vectors v ON v.flag_id = f.id
       WHERE e.event_id LIKE $1 ORDER BY e.event_id`,
      [`${prefix}%`],
    );
    return rows as { event_id: string; vectorized: boolean; waiting: boolean; status: string }[];
  };
  const failedCount = async () => {
    const metrics = await stack.app.get(MetricsService).registry.metrics();
    return Number(/sieve_wave_flags_total\{outcome="failed"\} (\d+)/.exec(metrics)?.[1] ?? 0);
  };

  it('leaves out a flag whose data is refused (a data exception) and groups the flags around it', async () => {
    await stack.db.query(`INSERT INTO test_refusals VALUES ('POISON', '22023')`);
    await stack.produce(
      [0, 1, 2, 3, 4, 5].map((i) => ({
        ...contentEvent({
          id: `refused-${i}`,
          text: `I will kill you at the harbour tonight ${i === 3 ? 'POISON' : ''} ${i}`,
          authorId: `author-${i}`,
        }),
        key: 'one-partition',
      })),
    );
    const rows = await eventually('the inbox emptied', async () => {
      const rows = await vectorsOf('refused-');
      return rows.length === 6 && rows.every((r) => !r.waiting) ? rows : undefined;
    });
    expect(rows.map((r) => [r.event_id, r.vectorized])).toStrictEqual([
      ['refused-0', true],
      ['refused-1', true],
      ['refused-2', true],
      ['refused-3', false],
      ['refused-4', true],
      ['refused-5', true],
    ]);
    expect(rows[3].status).toBe('open'); // still in its queue, only in no wave
    expect(await failedCount()).toBe(1);
  });

  it('leaves out nothing while the failure is not about the data, and groups once it passes', async () => {
    await stack.db.query(`INSERT INTO test_refusals VALUES ('STUCK', '57P03')`); // cannot connect now
    await stack.produce([
      contentEvent({ id: 'stuck-0', text: 'I will kill you at the station STUCK', authorId: 'a' }),
    ]);
    await eventually('the flag in the inbox', async () => (await vectorsOf('stuck-')).length === 1);
    // Failures after 0.5, 1 and 2 s of pause: three at least, alone.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await vectorsOf('stuck-')).toMatchObject([{ vectorized: false, waiting: true }]);
    expect(await failedCount()).toBe(1);

    await stack.db.query(`DELETE FROM test_refusals WHERE marker = 'STUCK'`);
    await eventually('grouped once it passes', async () => {
      const [row] = await vectorsOf('stuck-');
      return row.vectorized && !row.waiting;
    });
  });
});
