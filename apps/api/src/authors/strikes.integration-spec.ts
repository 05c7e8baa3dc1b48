import request from 'supertest';
import { eventually, startTestStack } from '../../test/test-stack';
import { StrikesService } from './strikes.service';

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
      previousRecommendation: 'none',
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
    // Below restrict again: the platform hears it may lift the restriction, naming the latest
    // post that still counts.
    const lifted = await eventually('the lift', async () => accountMessages()[1]);
    expect(lifted).toMatchObject({
      kind: 'account',
      authorId: 'author-1',
      eventId: a.eventId,
      recommendation: 'none',
      previousRecommendation: 'restrict',
      decision: 'allow',
      strikes: 3,
      threshold: 4,
    });
    expect(accountMessages()).toHaveLength(2);
  });

  it('counts an author again when a decision lifts a strike, and when strikes age out of the window', async () => {
    const kept = async (authorId: string) =>
      (
        await stack.db.query(
          `SELECT strikes, level, recount_at FROM author_strikes WHERE source = 'seed' AND author_id = $1`,
          [authorId],
        )
      ).rows[0] as { strikes: number; level: string; recount_at: Date | null } | undefined;
    // Counts the due authors now. The replica's own minute-by-minute run may have taken some
    // (SKIP LOCKED): the count is awaited until it shows.
    const recounted = async (authorId: string, strikes: number) => {
      await stack.app.get(StrikesService).recountDue();
      return eventually(`${authorId} counted at ${strikes}`, async () => {
        const row = await kept(authorId);
        return row?.strikes === strikes ? row : undefined;
      });
    };

    // An automatic block, then a reviewer approves it: the strike goes.
    const blocked = await stack.seedFlag(
      'I will hurt you, said author-3',
      'block',
      'default',
      'author-3',
    );
    await eventually('the block counted', async () => (await kept('author-3'))?.strikes === 1);
    await first.agent
      .post(`/api/flags/${blocked.id}/decision`)
      .set('x-csrf-token', first.csrfToken)
      .send({ action: 'approve', reason: 'Not harmful' })
      .expect(201);
    expect(await recounted('author-3', 0)).toMatchObject({ level: 'none', recount_at: null });

    // Removals by a reviewer, counted once the decisions are made (no statement needed).
    const removals = [];
    for (const text of ['one', 'two', 'three']) {
      const flag = await stack.seedFlag(
        `I will hurt you, ${text}`,
        'review',
        'default',
        'author-4',
      );
      await remove(flag.id);
      removals.push(flag);
    }
    const counted = await recounted('author-4', 6);
    expect(counted).toMatchObject({ level: 'restrict' });
    // Counted again the moment the oldest removal leaves the 90-day window.
    const [{ oldest }] = (
      await stack.db.query(
        `SELECT min(decided_at) AS oldest FROM flags WHERE id = ANY($1::uuid[])`,
        [removals.map((r) => r.id)],
      )
    ).rows;
    expect(counted.recount_at?.getTime()).toBe(oldest.getTime() + 90 * 86_400_000 + 1);
    const queued = async () =>
      (
        (await first.agent.get('/api/flags?authorId=author-4').expect(200)).body.items as {
          author: { level: string } | null;
        }[]
      ).map((i) => i.author?.level ?? null);
    expect(await queued()).toStrictEqual(['restrict', 'restrict', 'restrict']);
    // The list of repeat offenders: most struck first, filtered by the lowest level wanted.
    const offenders = async (query = '') =>
      (await first.agent.get(`/api/authors/repeat-offenders${query}`).expect(200)).body;
    const listed = await offenders();
    expect(listed.counts).toStrictEqual({ raise: 1, restrict: 1, suspend: 0 });
    expect(listed.items).toMatchObject([
      {
        source: 'seed',
        authorId: 'author-4',
        strikes: 6,
        level: 'restrict',
        recommendation: 'restrict',
      },
      { source: 'seed', authorId: 'author-1', strikes: 3, level: 'raise', recommendation: 'none' },
    ]);
    expect(listed.items[0].recountAt).toBe(counted.recount_at?.toISOString());
    expect((await offenders('?level=restrict')).items).toHaveLength(1);
    expect((await offenders('?level=suspend&source=seed')).items).toStrictEqual([]);
    expect((await offenders('?source=forum')).counts).toStrictEqual({
      raise: 0,
      restrict: 0,
      suspend: 0,
    });
    await first.agent.get('/api/authors/repeat-offenders?level=none').expect(400);

    // 91 days on (the decisions moved back by as much): the strikes have aged out of the window.
    await stack.db.query(
      `UPDATE flags SET decided_at = decided_at - interval '91 days', created_at = created_at - interval '91 days'
       WHERE id = ANY($1::uuid[])`,
      [removals.map((r) => r.id)],
    );
    await stack.db.query(
      `UPDATE author_strikes SET recount_at = recount_at - interval '91 days' WHERE author_id = 'author-4'`,
    );
    expect(await recounted('author-4', 0)).toMatchObject({ level: 'none', recount_at: null });
    expect(await queued()).toStrictEqual(['none', 'none', 'none']);
    expect((await offenders()).items.map((o: { authorId: string }) => o.authorId)).toStrictEqual([
      'author-1',
    ]);
    // The platform heard of the climb and of the fall. No strike counts any more: the fall names
    // the author's latest flagged post.
    const messages = await eventually('the climb and the fall', async () => {
      const forAuthor = accountMessages().filter((m) => m.authorId === 'author-4');
      return forAuthor.length === 2 ? forAuthor : undefined;
    });
    expect(messages).toMatchObject([
      { recommendation: 'restrict', previousRecommendation: 'none', eventId: removals[2].eventId },
      {
        recommendation: 'none',
        previousRecommendation: 'restrict',
        decision: 'allow',
        strikes: 0,
        threshold: 4,
        eventId: removals[2].eventId,
      },
    ]);
  });

  it('lifts a recommendation even when none of the author’s posts is held any more', async () => {
    // At restrict when last counted; their flags since removed (decisions kept for less time than
    // the strike window). The count falls to none and names no post; the other due author in the
    // same batch is counted too.
    await stack.db.query(
      `INSERT INTO author_strikes (source, author_id, strikes, level, recount_at)
       VALUES ('seed', 'gone-author', 5, 'restrict', now() - interval '1 minute'),
              ('seed', 'due-author', 1, 'none', now() - interval '1 minute')`,
    );
    await stack.app.get(StrikesService).recountDue();
    const lift = await eventually('the lift', async () =>
      accountMessages().find((m) => m.authorId === 'gone-author'),
    );
    expect(lift).toMatchObject({
      eventId: '',
      recommendation: 'none',
      previousRecommendation: 'restrict',
      strikes: 0,
    });
    // Keyed by the author, as every account message is: one author's climbs and lifts travel on
    // one partition, in order, whichever posts they name.
    expect(
      stack.collected.decisions
        .filter((m) => JSON.parse(m.value ?? '{}').kind === 'account')
        .every((m) => m.key === JSON.parse(m.value ?? '{}').authorId),
    ).toBe(true);
    expect(
      stack.collected.decisions.find(
        (m) => m.key === 'gone-author' && m.headers.kind === 'account',
      ),
    ).toBeDefined();
    const { rows } = await stack.db.query(
      `SELECT author_id, level, strikes FROM author_strikes
       WHERE author_id IN ('gone-author', 'due-author') ORDER BY author_id`,
    );
    expect(rows).toStrictEqual([
      { author_id: 'due-author', level: 'none', strikes: 0 },
      { author_id: 'gone-author', level: 'none', strikes: 0 },
    ]);
  });

  it('counts the rest of a batch when one author’s count fails, and that author again later', async () => {
    // The poisoned author's count cannot be stored (its message is refused); another author is
    // due in the same batch.
    await stack.db.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.value LIKE '%"authorId":"poison-author"%' THEN RAISE EXCEPTION 'refused'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON decision_outbox
        FOR EACH ROW EXECUTE FUNCTION refuse_poison();
      INSERT INTO author_strikes (source, author_id, strikes, level, recount_at)
      VALUES ('seed', 'poison-author', 5, 'restrict', now() - interval '2 minutes'),
             ('seed', 'fine-author', 1, 'none', now() - interval '1 minute');
    `);
    const row = async (authorId: string) =>
      (
        await stack.db.query(
          `SELECT strikes, level, recount_at > now() + interval '50 minutes' AS later
           FROM author_strikes WHERE author_id = $1`,
          [authorId],
        )
      ).rows[0];
    await stack.app.get(StrikesService).recountDue();
    // The replica's own minute-by-minute run may have taken the batch: awaited until it shows.
    expect(
      await eventually('the poisoned author put off', async () => {
        const poisoned = await row('poison-author');
        return poisoned.later ? poisoned : undefined;
      }),
    ).toStrictEqual({ strikes: 5, level: 'restrict', later: true });
    expect(await row('fine-author')).toStrictEqual({ strikes: 0, level: 'none', later: null });

    // Fixed, and due again: counted, and the platform told.
    await stack.db.query(`
      DROP TRIGGER refuse_poison ON decision_outbox;
      UPDATE author_strikes SET recount_at = now() WHERE author_id = 'poison-author';
    `);
    await stack.app.get(StrikesService).recountDue();
    expect(
      await eventually('the lift', async () =>
        accountMessages().find((m) => m.authorId === 'poison-author'),
      ),
    ).toMatchObject({ recommendation: 'none', previousRecommendation: 'restrict' });
  });

  it('lists repeat offenders a page at a time, ties and author ids of any text included', async () => {
    // Uncounted rows (no recount due), in a source of their own. Three tie on a fractional count;
    // one author id is 256 UTF-16 units of text JSON has to escape.
    const long = '\u0001"\\é😀'.repeat(42) + 'zzzz';
    await stack.db.query(
      `INSERT INTO author_strikes (source, author_id, strikes, level)
       VALUES ('paging', 'a', 7.5, 'suspend'), ('paging', 'd', 4, 'restrict'),
              ('paging', 'c', 2.3, 'raise'), ('paging', $1, 2.3, 'raise'),
              ('paging', 'b', 2.3, 'raise'), ('paging', 'e', 0, 'none')`,
      [long],
    );
    const { rows: expected } = await stack.db.query(
      `SELECT author_id FROM author_strikes WHERE source = 'paging' AND level <> 'none'
       ORDER BY strikes DESC, source, author_id`,
    );
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { authorId: string }[]; nextCursor: string | null } = (
        await first.agent
          .get('/api/authors/repeat-offenders')
          .query({ source: 'paging', limit: 1, ...(cursor ? { cursor } : {}) })
          .expect(200)
      ).body;
      listed.push(...page.items.map((i) => i.authorId));
      cursor = page.nextCursor;
    } while (cursor && listed.length < 10);
    expect(listed).toStrictEqual(expected.map((r: { author_id: string }) => r.author_id));
    expect(listed).toHaveLength(5);
    expect(listed).toContain(long);

    // A cursor another list made, or none at all, is refused.
    const appealsCursor = Buffer.from(
      JSON.stringify({ at: '2026-01-01T00:00:00.000000Z', id: '1' }),
    ).toString('base64url');
    for (const bad of [appealsCursor, 'not-a-cursor']) {
      const refused = await first.agent
        .get('/api/authors/repeat-offenders')
        .query({ cursor: bad })
        .expect(400);
      expect(refused.body.details).toStrictEqual([
        { field: 'cursor', errors: ['cursor must be a nextCursor returned by this endpoint'] },
      ]);
    }
  });
});
