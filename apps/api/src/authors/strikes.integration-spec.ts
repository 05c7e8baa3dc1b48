import request from 'supertest';
import { eventually, startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Signed = Awaited<ReturnType<Stack['signIn']>>;

describe('repeat offenders', () => {
  let stack: Stack;
  let first: Signed;
  let second: Signed;

  beforeAll(async () => {
    stack = await startTestStack({ STATEMENTS_SETTLE_SECONDS: '0', INGEST_ENABLED: 'true' });
    first = await stack.signIn('reviewer');
    second = await stack.signIn('reviewer');
  });
  afterAll(() => stack?.stop());

  const strikes = async () =>
    (await first.agent.get('/api/authors/strikes?source=seed&authorId=author-1').expect(200)).body;
  const remove = (flagId: string) =>
    first.agent
      .post(`/api/flags/${flagId}/decision`)
      .set('x-csrf-token', first.csrfToken)
      .send({ action: 'remove', reason: 'Threat of violence' })
      .expect(201);
  const accountMessages = () =>
    stack.collected.decisions
      .map((m) => JSON.parse(m.value ?? '{}'))
      .filter((m) => m.kind === 'account');

  it('counts restrictions by weight and recommends an account action once a threshold is crossed', async () => {
    // An automatic block of a violent post: 2 × 0.5.
    await stack.seedFlag('I will hurt you', 'block');
    await eventually('one strike', async () => (await strikes()).strikes === 1);
    const one = await strikes();
    expect(one).toMatchObject({ level: 'none', nextLevel: { level: 'raise', at: 2 } });
    expect(one.counted[0].why).toBe('blocked automatically (× 0.5); violence_and_threats weighs 2');

    // A reviewer's removal: 2 more — raise; another — restrict, and the platform hears of it.
    const a = await stack.seedFlag('I will hurt you again');
    await remove(a.id);
    await eventually('raise', async () => (await strikes()).level === 'raise');
    expect(accountMessages()).toStrictEqual([]);
    const b = await stack.seedFlag('and again');
    await remove(b.id);
    const recommendation = await eventually('the recommendation', async () => accountMessages()[0]);
    expect(recommendation).toMatchObject({
      kind: 'account',
      source: 'seed',
      authorId: 'author-1',
      eventId: b.eventId,
      recommendation: 'restrict',
      decision: 'review',
      strikes: 5,
      threshold: 4,
      windowDays: 90,
    });

    // The queue can put repeat offenders first, and marks their items.
    await stack.db.query(
      `WITH e AS (
         INSERT INTO scored_events (source, event_id, author_id, text, event_created_at, model_id, score_layout, score_values, policy_version, decision, kept)
         VALUES ('seed', 'other-author-post', 'author-2', 'rude words', now() - interval '1 hour', score_model_id('m'), (compact_scores('{}')).layout, (compact_scores('{}')).vals, 1, 'review', true)
         RETURNING id)
       INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score, created_at)
       SELECT id, 'review', ARRAY['pii'], '[]', 0.6, now() - interval '1 hour' FROM e`,
    );
    await stack.seedFlag('one more from author-1');
    const url = '/api/flags?status=open&sort=repeat_offenders';
    const all = (await first.agent.get(url).expect(200)).body.items as {
      id: string;
      event: { authorId: string };
      author: { level: string } | null;
    }[];
    expect(all.map((f) => f.event.authorId)).toStrictEqual([
      ...all.filter((f) => f.event.authorId === 'author-1').map(() => 'author-1'),
      'author-2',
    ]);
    expect(all[0].author).toMatchObject({ level: 'restrict', strikes: 5 });
    expect(all[all.length - 1].author).toBeNull();
    // One at a time, by cursor: the same order.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } =
        await first.agent.get(`${url}&limit=1${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      walked.push(...page.body.items.map((f) => f.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).toStrictEqual(all.map((f) => f.id));

    // An appeal overturns one removal: the strike is gone; no new recommendation.
    const token = await (async () => {
      const admin = await stack.signIn('admin');
      const res = await admin.agent
        .post('/api/tokens')
        .set('x-csrf-token', admin.csrfToken)
        .send({ name: 'platform', role: 'reviewer' })
        .expect(201);
      return res.body.token as string;
    })();
    const submitted = await request(stack.app.getHttpServer())
      .post('/api/appeals')
      .set('authorization', `Bearer ${token}`)
      .send({ appealId: 'ap-s', source: 'seed', eventId: b.eventId, statement: 'not me' })
      .expect(201);
    await second.agent
      .post(`/api/appeals/${submitted.body.id}/decision`)
      .set('x-csrf-token', second.csrfToken)
      .send({ outcome: 'overturned', reason: 'Wrong author' })
      .expect(200);
    expect(await strikes()).toMatchObject({ strikes: 3, level: 'raise' });
    expect(accountMessages()).toHaveLength(1);
  });
});
