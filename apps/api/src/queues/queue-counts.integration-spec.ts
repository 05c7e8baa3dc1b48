import { contentEvent, eventually, startTestStack } from '../../test/test-stack';
import { QueueCounts } from './queue-counts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Person = Awaited<ReturnType<Stack['signIn']>>;

/** What the kept counts must equal: the flags, counted. */
const RECOUNT = `SELECT queue, status, count(*)::int AS flags FROM flags
                 GROUP BY queue, status ORDER BY queue, status`;
const KEPT = `SELECT queue, status, sum(flags)::int AS flags FROM queue_status_counts
              GROUP BY queue, status HAVING sum(flags) <> 0 ORDER BY queue, status`;
/** The open flags per queue. */
const RECOUNT_OPEN = `SELECT queue, count(*)::int AS open FROM flags
                      WHERE status <> 'decided' GROUP BY queue ORDER BY queue`;

/**
 * The flags per queue and status, kept by triggers on flags, through every way a flag opens,
 * closes or moves: the pipeline's batch inserts, decisions and their undo, escalation, a lead's
 * move, a rescore's upsert, deletes, truncation, and the fold. The queue tabs and the queue's
 * status tabs read them.
 */
describe('flags per queue and status', () => {
  let stack: Stack;
  let reviewer: Person;
  let lead: Person;
  const post = (who: Person, path: string, body?: object) =>
    who.agent.post(path).set('x-csrf-token', who.csrfToken).send(body);
  const expectExact = async () => {
    expect((await stack.db.query(KEPT)).rows).toStrictEqual((await stack.db.query(RECOUNT)).rows);
  };
  /** A queue's status tabs (or all queues'), read from the kept counts, equal the flags counted. */
  const statusTabs = async (queue?: string) => {
    const only = queue ? `queue=${queue}&` : '';
    const kept = (await lead.agent.get(`/api/flags/counts?${only}`).expect(200)).body;
    // A filter every flag passes: the flags are counted.
    const counted = (await lead.agent.get(`/api/flags/counts?${only}minScore=0`).expect(200)).body;
    expect(kept).toStrictEqual(counted);
    return `${kept.open} open, ${kept.claimed} claimed, ${kept.escalated} escalated, ${kept.decided} decided`;
  };
  const tabs = async (who: Person) =>
    Object.fromEntries(
      (
        (await who.agent.get('/api/queues').expect(200)).body as {
          id: string;
          waiting: number;
          claimed: number;
        }[]
      ).map((q) => [q.id, `${q.waiting} waiting, ${q.claimed} claimed`]),
    );

  beforeAll(async () => {
    stack = await startTestStack();
    reviewer = await stack.signIn('reviewer');
    lead = await stack.signIn('policy_admin');
  });
  afterAll(() => stack?.stop());

  it('stay exact through every change to the flags, and the queue tabs read them', async () => {
    await stack.produce([
      ...[1, 2, 3, 4, 5].map((i) =>
        contentEvent({ id: `qc-${i}`, text: `I will kill you ${i}`, authorId: `a-${i}` }),
      ),
      contentEvent({ id: 'qc-fine', text: 'What a lovely day at the beach', authorId: 'a-0' }),
    ]);
    await eventually('five flags', async () => {
      const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM flags`);
      return rows[0].n === 5;
    });
    await expectExact();
    expect(await tabs(lead)).toMatchObject({
      default: '5 waiting, 0 claimed',
      senior: '0 waiting, 0 claimed',
    });

    // A claim is not a change in what is open: the tabs count it live.
    const taken = await post(reviewer, '/api/flags/next?queue=default').expect(200);
    expect(await tabs(lead)).toMatchObject({ default: '4 waiting, 1 claimed' });
    expect(await statusTabs('default')).toBe('4 open, 1 claimed, 0 escalated, 0 decided');
    await post(reviewer, `/api/flags/${taken.body.flagId}/decision`, {
      action: 'approve',
      reason: 'Not harmful',
    }).expect(201);
    await expectExact();
    expect(await tabs(lead)).toMatchObject({ default: '4 waiting, 0 claimed' });
    expect(await statusTabs()).toBe('4 open, 0 claimed, 0 escalated, 1 decided');
    await post(reviewer, `/api/flags/${taken.body.flagId}/decision/undo`).expect(200);
    await expectExact();

    const { rows: open } = await stack.db.query(
      `SELECT id FROM flags WHERE status = 'open' ORDER BY created_at, id`,
    );
    await post(reviewer, `/api/flags/${open[0].id}/decision`, {
      action: 'escalate',
      reason: 'Needs a specialist',
    }).expect(201);
    await post(lead, `/api/flags/${open[1].id}/queue`, { queue: 'qa', reason: 'a check' }).expect(
      200,
    );
    await expectExact();
    expect(await tabs(lead)).toMatchObject({
      default: '3 waiting, 0 claimed',
      senior: '1 waiting, 0 claimed',
      qa: '1 waiting, 0 claimed',
    });
    expect(await statusTabs('senior')).toBe('0 open, 0 claimed, 1 escalated, 0 decided');
    expect(await statusTabs('qa')).toBe('1 open, 0 claimed, 0 escalated, 0 decided');
    // The lead claims the escalated flag: claimed, and still escalated.
    await post(lead, '/api/flags/next?queue=senior').expect(200);
    expect(await statusTabs()).toBe('4 open, 1 claimed, 1 escalated, 0 decided');
    // A reviewer sees only the queues they work in, with the same counts.
    expect(await tabs(reviewer)).toStrictEqual({
      default: '3 waiting, 0 claimed',
      qa: '1 waiting, 0 claimed',
    });

    // Statements the api's other writers use: several rows at once, open to escalated in the
    // same queue (no change), a rescore's upsert that reopens and moves one and closes another,
    // and deletes.
    await stack.db.query(`UPDATE flags SET status = 'decided' WHERE id IN ($1, $2)`, [
      open[2].id,
      open[3].id,
    ]);
    await stack.db.query(`UPDATE flags SET status = 'escalated' WHERE id = $1`, [open[4].id]);
    await expectExact();
    const seeded = await stack.seedFlag('seeded for an upsert');
    await stack.db.query(
      `INSERT INTO flags (id, scored_event_id, status, auto_decision, categories, triggered, max_score, queue)
       SELECT id, scored_event_id, v.status, auto_decision, categories, triggered, max_score, v.queue
       FROM flags f JOIN (VALUES ($1::uuid, 'open', 'senior'), ($2::uuid, 'decided', 'default'))
         AS v(flag_id, status, queue) ON f.id = v.flag_id
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, queue = EXCLUDED.queue`,
      [open[2].id, seeded.id],
    );
    await expectExact();
    await stack.db.query(`DELETE FROM flags WHERE id IN ($1, $2)`, [open[3].id, open[4].id]);
    await expectExact();

    // Folded to one row per queue and status with any flags, and still exact.
    const before = (await stack.db.query(RECOUNT)).rows;
    const beforeOpen = (await stack.db.query(RECOUNT_OPEN)).rows;
    await stack.app.get(QueueCounts).fold();
    const { rows: folded } = await stack.db.query(
      `SELECT queue, status, flags::int FROM queue_status_counts ORDER BY queue, status`,
    );
    expect(folded).toStrictEqual(before);
    await expectExact();

    const stats = await lead.agent.get('/api/stats?days=1').expect(200);
    const total = beforeOpen.reduce((sum, q) => sum + q.open, 0);
    expect(stats.body.queue.waiting).toBe(total);
    expect(stats.body.queues.find((q: { queue: string }) => q.queue === 'senior').open).toBe(
      beforeOpen.find((q) => q.queue === 'senior')?.open,
    );

    await stack.db.query(`TRUNCATE flags CASCADE`);
    expect(
      (
        await stack.db.query(
          `SELECT (SELECT count(*) FROM queue_status_counts)::int AS statuses,
                  to_regclass('queue_open_counts') IS NULL AS legacy_gone`,
        )
      ).rows,
    ).toStrictEqual([{ statuses: 0, legacy_gone: true }]);
  });
});
