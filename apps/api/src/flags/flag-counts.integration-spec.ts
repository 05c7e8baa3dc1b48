import { DECIDED_COUNT_LIMIT } from '@sieve/contracts';
import { startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * `GET /flags/counts` on a long history: decided flags grow without end, so a filtered count
 * stops; with no filter but the queue, the kept counts give the exact figure.
 */
describe('flag counts', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false' });
  });
  afterAll(() => stack?.stop());

  it('stops counting decided flags at the limit when filtered, and says so', async () => {
    await stack.db.query(
      `WITH e AS (
         INSERT INTO scored_events (source, event_id, author_id, text, event_created_at, model_id,
                                    score_layout, score_values, policy_version, decision, kept)
         SELECT 'forum', 'many-decided-' || i, 'author', 'long decided history ' || i, now(), m.id,
                c.layout, c.vals, 1, 'review', true
         FROM generate_series(1, $1::int) AS i CROSS JOIN compact_scores('{"pii": 0.9}') AS c
         CROSS JOIN score_model_id('m') AS m(id)
         RETURNING id)
       INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score, status,
                          final_action, decided_at)
       SELECT id, 'review', ARRAY['pii'], '[]', 0.9, 'decided', 'approve', now() FROM e`,
      [DECIDED_COUNT_LIMIT + 1],
    );
    await stack.seedFlag('one waiting');
    const { agent } = await stack.signIn('viewer');
    const counts = async (query: string) =>
      (await agent.get(`/api/flags/counts${query}`).expect(200)).body;
    const capped = { open: 1, decided: DECIDED_COUNT_LIMIT, decidedAtLeast: true };
    const exact = { open: 1, decided: DECIDED_COUNT_LIMIT + 1, decidedAtLeast: false };
    expect(await counts('')).toMatchObject(exact);
    expect(await counts('?queue=default')).toMatchObject(exact);
    expect(await counts('?queue=senior')).toMatchObject({ open: 0, decided: 0 });
    expect(await counts('?queue=default&minScore=0')).toMatchObject(capped);
    expect(await counts('?category=pii')).toMatchObject({ ...capped, open: 0 });
    expect(await counts('?q=decided%20history')).toMatchObject({ ...capped, open: 0 });
    expect(await counts('?q=history%2010001')).toMatchObject({ decided: 1, decidedAtLeast: false });
  });
});
