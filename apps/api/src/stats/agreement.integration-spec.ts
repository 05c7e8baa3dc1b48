import { startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/** Every pair of decisions by different reviewers on the same text, listed one by one. */
const PAIRS_LISTED = `
  WITH decided AS (
    SELECT md5(e.text) AS content, f.decided_by AS reviewer, f.final_action AS action
    FROM flags f
    JOIN scored_events e ON e.id = f.scored_event_id AND e.kept AND e.erased_at IS NULL
    WHERE f.status = 'decided' AND f.decided_by IS NOT NULL AND f.copy_of IS NULL)
  SELECT count(*)::int AS pairs, count(*) FILTER (WHERE a.action = b.action)::int AS agreed
  FROM decided a JOIN decided b ON a.content = b.content AND a.reviewer < b.reviewer`;

describe('reviewer agreement on identical texts', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false' });
  });
  afterAll(() => stack?.stop());

  it('counts the pairs of decisions by different reviewers, the same reviewer twice not a pair', async () => {
    const [alice, bob, carol] = await Promise.all([
      stack.signIn('reviewer'),
      stack.signIn('reviewer'),
      stack.signIn('reviewer'),
    ]);
    const decisions: [string, string, 'approve' | 'remove'][] = [
      // Text A: 5 decisions, 8 pairs across reviewers; alice–bob agree twice, bob–carol once.
      ['text A', alice.userId, 'remove'],
      ['text A', alice.userId, 'remove'],
      ['text A', bob.userId, 'remove'],
      ['text A', bob.userId, 'approve'],
      ['text A', carol.userId, 'approve'],
      // Text B: one reviewer only, no pair.
      ['text B', alice.userId, 'remove'],
      ['text B', alice.userId, 'remove'],
      // Text C: one pair, disagreeing.
      ['text C', bob.userId, 'approve'],
      ['text C', carol.userId, 'remove'],
    ];
    for (const [text, reviewer, action] of decisions) {
      const flag = await stack.seedFlag(text);
      await stack.db.query(
        `UPDATE flags SET status = 'decided', decided_by = $2, decided_at = now(), final_action = $3
         WHERE id = $1`,
        [flag.id, reviewer, action],
      );
    }
    await stack.seedFlag('text A'); // waiting: not a decision

    const stats = await alice.agent.get('/api/stats?days=7').expect(200);
    expect(stats.body.agreement).toStrictEqual({ pairs: 9, agreed: 3 });
    expect((await stack.db.query(PAIRS_LISTED)).rows).toStrictEqual([stats.body.agreement]);

    // Erasing the author takes every text away (the seeded flags share one author): no two
    // erased posts are known to be alike, so none of their decisions make a pair any more.
    await stack.eraseAuthor('seed', 'author-1');
    const afterErasure = await alice.agent.get('/api/stats?days=7').expect(200);
    expect(afterErasure.body.agreement).toStrictEqual({ pairs: 0, agreed: 0 });
    expect((await stack.db.query(PAIRS_LISTED)).rows).toStrictEqual([{ pairs: 0, agreed: 0 }]);
  });
});
