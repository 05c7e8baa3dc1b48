import type { ErasureCompletedMessage, ErasureMessage } from '@sieve/moderation';
import { eventually, startTestStack } from '../../test/test-stack';
import { FlagEventsService } from '../flags/flag-events.service';
import { ErasureService } from './erasure.service';

const event = (id: string, authorId: string, text: string) => ({
  key: id,
  value: JSON.stringify({
    id,
    source: 'forum',
    authorId,
    text,
    createdAt: '2026-11-30T10:00:00Z',
    context: { url: `https://forum.example/p/${id}` },
  }),
});

describe('erasure on request', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;

  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'true' });
  });
  afterAll(() => stack?.stop());

  const rows = async <T>(sql: string, params: unknown[] = []) =>
    (await stack.db.query(sql, params)).rows as T[];

  it('erases the author’s texts, keeps scores and decisions, tells the platform and audits it', async () => {
    await stack.produce([
      event('x1', 'jane', 'I will kill you, my address is 1 Main St'),
      event('x2', 'jane', 'Lovely weather in Lisbon'),
      event('y1', 'someone-else', 'I will kill you too'),
    ]);
    await eventually(
      'stored and flagged',
      async () =>
        (await rows('SELECT 1 FROM flags')).length === 2 &&
        (await rows('SELECT 1 FROM scored_events')).length === 3,
    );
    await eventually(
      'both flags vectorized',
      async () => (await rows('SELECT 1 FROM flag_vectors')).length === 2,
    );
    const before = await rows<{ event_id: string; scores: object; decision: string }>(
      `SELECT event_id, score_values AS scores, decision FROM scored_events ORDER BY event_id`,
    );
    const [janeFlag] = await rows<{ id: string }>(
      `SELECT f.id FROM flags f JOIN scored_events e ON e.id = f.scored_event_id WHERE e.event_id = 'x1'`,
    );

    const reviewer = await stack.signIn('reviewer');
    // Search by meaning finds jane's post (this replica now holds every flag's vector).
    const similar = async () =>
      (
        (
          await reviewer.agent
            .get('/api/waves/similar')
            .query({ text: 'I will kill you, my address is 1 Main St' })
            .expect(200)
        ).body.items as { flag: { id: string } }[]
      ).map((i) => i.flag.id);
    expect(await similar()).toContain(janeFlag.id);
    // Decided, jane's post is one of the similar past decisions shown with the other post.
    const [otherFlag] = await rows<{ id: string }>(
      `SELECT f.id FROM flags f JOIN scored_events e ON e.id = f.scored_event_id WHERE e.event_id = 'y1'`,
    );
    await reviewer.agent
      .post(`/api/flags/${janeFlag.id}/decision`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ action: 'remove', reason: 'Threat of violence' })
      .expect(201);
    const shownWithOther = async () =>
      (
        (await reviewer.agent.get(`/api/flags/${otherFlag.id}/context`).expect(200)).body
          .similarDecided as { flagId: string; text: string }[]
      ).map((s) => s.text);
    expect(await shownWithOther()).toContain('I will kill you, my address is 1 Main St');
    const queueEvents: string[] = [];
    const events = stack.app
      .get(FlagEventsService)
      .events.subscribe((e) => queueEvents.push(...e.ids));
    await reviewer.agent
      .post('/api/authors/erasures')
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ source: 'forum', authorId: 'jane', reason: 'GDPR request #1' })
      .expect(403);
    const admin = await stack.signIn('admin');
    const refused = await admin.agent
      .post('/api/authors/erasures')
      .set('x-csrf-token', admin.csrfToken)
      .send({ source: 'forum', authorId: 'jane' })
      .expect(400);
    expect(JSON.stringify(refused.body)).toContain('reason');

    // Before confirming, an admin sees what the request would erase (only admins may ask).
    const preview = () =>
      admin.agent.get('/api/authors/erasures/preview').query({ source: 'forum', authorId: 'jane' });
    expect((await preview().expect(200)).body).toStrictEqual({
      source: 'forum',
      authorId: 'jane',
      storedPosts: 2,
      flaggedPosts: 1,
    });
    await reviewer.agent
      .get('/api/authors/erasures/preview')
      .query({ source: 'forum', authorId: 'jane' })
      .expect(403);
    await admin.agent.get('/api/authors/erasures/preview').query({ source: 'forum' }).expect(400);

    const erased = await admin.agent
      .post('/api/authors/erasures')
      .set('x-csrf-token', admin.csrfToken)
      .send({ source: 'forum', authorId: 'jane', reason: 'GDPR request #1' })
      .expect(201);
    expect(erased.body).toMatchObject({
      source: 'forum',
      authorId: 'jane',
      eventsErased: 2,
      completedAt: expect.any(String),
    });

    // In the database: the texts and contexts gone, the scores and decisions as they were.
    const after = await rows<{
      event_id: string;
      text: string;
      context: object | null;
      erased_at: Date | null;
      scores: object;
      decision: string;
    }>(
      `SELECT event_id, text, context, erased_at, score_values AS scores, decision FROM scored_events ORDER BY event_id`,
    );
    expect(after.map((e) => [e.event_id, e.text, e.context, e.erased_at !== null])).toStrictEqual([
      ['x1', '', null, true],
      ['x2', '', null, true],
      ['y1', 'I will kill you too', { url: 'https://forum.example/p/y1' }, false],
    ]);
    expect(after.map((e) => [e.event_id, e.scores, e.decision])).toStrictEqual(
      before.map((e) => [e.event_id, e.scores, e.decision]),
    );
    expect(await rows('SELECT 1 FROM flags')).toHaveLength(2);
    expect((await preview().expect(200)).body).toMatchObject({ storedPosts: 0, flaggedPosts: 0 });
    // Vectors are derived from the text: jane's went, the other author's stayed.
    expect(
      await rows(
        `SELECT e.event_id FROM flag_vectors v JOIN flags f ON f.id = v.flag_id
         JOIN scored_events e ON e.id = f.scored_event_id`,
      ),
    ).toStrictEqual([{ event_id: 'y1' }]);
    expect(await rows('SELECT 1 FROM text_vectors')).toHaveLength(1);
    // …and out of the search's memory, here and on every replica (erased_vectors); live queues
    // refresh the erased flags.
    expect(await similar()).not.toContain(janeFlag.id);
    // Nor can her post be the start of a search: it has no text to compare by.
    const like = await reviewer.agent
      .get('/api/waves/similar')
      .query({ flagId: janeFlag.id })
      .expect(409);
    expect(like.body).toMatchObject({ code: 'text_erased' });
    await reviewer.agent
      .get('/api/waves/similar')
      .query({ flagId: '00000000-0000-4000-8000-000000000000' })
      .expect(404);
    await eventually('the queue told', async () => queueEvents.includes(janeFlag.id));
    events.unsubscribe();
    // Nor is the text shown from a list of similar decisions kept from before (for a minute).
    await eventually('the similar decisions without jane', async () =>
      (await shownWithOther()).every((text) => !text.includes('Main St')),
    );

    // The platform hears of each erased event, keyed and headed like every decision message.
    const messages = await eventually('two erasure messages', async () => {
      const found = stack.collected.decisions.filter((m) => m.headers['kind'] === 'erasure');
      return found.length === 2 ? found : undefined;
    });
    const bodies = messages.map((m) => JSON.parse(m.value ?? '') as ErasureMessage);
    // Each with the decision that stands: jane's flagged post was removed by the reviewer.
    expect(bodies.map((b) => [b.eventId, b.decision]).sort()).toStrictEqual([
      ['x1', 'block'],
      ['x2', 'allow'],
    ]);
    expect(bodies[0]).toMatchObject({
      schemaVersion: 1,
      kind: 'erasure',
      erasureId: erased.body.id,
      source: 'forum',
      authorId: 'jane',
    });
    expect(messages.map((m) => m.key).sort()).toStrictEqual(['x1', 'x2']);
    // …and, once, that the erasure is complete: keyed by the erasure, it names how many.
    const completion = await eventually('the erasure’s completion', async () =>
      stack.collected.decisions.find((m) => m.headers['kind'] === 'erasure_completed'),
    );
    expect(completion.key).toBe(erased.body.id);
    expect(completion.headers['source']).toBe('forum');
    expect(JSON.parse(completion.value ?? '') as ErasureCompletedMessage).toStrictEqual({
      schemaVersion: 1,
      kind: 'erasure_completed',
      erasureId: erased.body.id,
      source: 'forum',
      authorId: 'jane',
      eventsErased: 2,
      requestedAt: erased.body.requestedAt,
      completedAt: erased.body.completedAt,
    });

    // The dashboard's item shows it as erased; the request is listed and audited.
    const item = (await reviewer.agent.get(`/api/flags/${janeFlag.id}`).expect(200)).body;
    expect(item.event).toMatchObject({ text: '', erasedAt: expect.any(String) });
    const listed = (await admin.agent.get('/api/authors/erasures?authorId=jane').expect(200)).body;
    expect(listed).toStrictEqual([erased.body]);
    const [audit] = await rows<{ actor_label: string; details: object }>(
      `SELECT actor_label, details FROM audit_log WHERE action = 'author.erased'`,
    );
    expect(audit).toStrictEqual({
      actor_label: erased.body.requestedBy,
      details: { erasureId: erased.body.id, reason: 'GDPR request #1' },
    });

    // Asking again erases nothing more (and says so).
    const again = await admin.agent
      .post('/api/authors/erasures')
      .set('x-csrf-token', admin.csrfToken)
      .send({ source: 'forum', authorId: 'jane', reason: 'GDPR request #1, again' })
      .expect(201);
    expect(again.body.eventsErased).toBe(0);
  });

  /**
   * `count` posts by `authorId` straight into the tables, the i-th created at `createdAt(i)`
   * (SQL over i), stored `storedAgo` ago, every other one allowed and not kept.
   */
  const storePosts = (
    authorId: string,
    count: number,
    { createdAt = 'now()', storedAgo = '0 s' }: { createdAt?: string; storedAgo?: string } = {},
  ) =>
    stack.db.query(
      `WITH k AS (
         INSERT INTO event_keys (source, event_id)
         SELECT 'forum', $2 || '-' || i FROM generate_series(1, $1) AS i
         RETURNING scored_event_id, event_id)
       INSERT INTO scored_events (id, source, event_id, author_id, text, event_created_at, scored_at,
                                  model_id, score_layout, score_values, policy_version, decision, kept)
       SELECT k.scored_event_id, 'forum', k.event_id, $2, 'Buy followers, post ' || k.event_id,
              (SELECT ${createdAt} FROM (SELECT split_part(k.event_id, '-', 2)::int AS i) AS n),
              now() - $3::interval, score_model_id('m'), c.layout, c.vals, 1, 'allow',
              split_part(k.event_id, '-', 2)::int % 2 = 0
       FROM k CROSS JOIN compact_scores('{"pii": 0.1}') AS c`,
      [count, authorId, storedAgo],
    );
  const textsOf = async (authorId: string) =>
    (
      await rows<{ event_id: string; text: string }>(
        `SELECT event_id, text FROM scored_events WHERE author_id = $1 ORDER BY event_id`,
        [authorId],
      )
    ).map((e) => e.text);

  it('erases a prolific author: 14,000 posts, one erasure message each', async () => {
    const posts = 14_000;
    await storePosts('bot', posts);
    expect((await stack.eraseAuthor('forum', 'bot')).eventsErased).toBe(posts);
    const [{ queued }] = await rows<{ queued: number }>(
      `SELECT count(*)::int AS queued FROM decision_outbox WHERE message_key LIKE 'bot-%'`,
    );
    expect(queued).toBe(posts);
  });

  it('erases in batches, past posts created at the same instant, and answers 202 when that takes a while', async () => {
    const service = stack.app.get(ErasureService);
    service.batchSize = 3;
    service.answerWithinMs = 0;
    try {
      // Ten posts, six of them created in the same microsecond: batches meet inside that run.
      await storePosts('batched', 10, {
        createdAt: `'2026-11-30T10:00:00.123456Z'::timestamptz + make_interval(secs => greatest(i - 6, 0) / 1e6)`,
      });
      const admin = await stack.signIn('admin');
      const accepted = await admin.agent
        .post('/api/authors/erasures')
        .set('x-csrf-token', admin.csrfToken)
        .send({ source: 'forum', authorId: 'batched', reason: 'GDPR request #9' })
        .expect(202);
      expect(accepted.body).toMatchObject({ authorId: 'batched', completedAt: null });
      const done = await eventually('the erasure completed', async () => {
        const erasure = (
          await admin.agent.get(`/api/authors/erasures/${accepted.body.id}`).expect(200)
        ).body;
        return erasure.completedAt ? erasure : undefined;
      });
      expect(done.eventsErased).toBe(10);
      expect(await textsOf('batched')).toStrictEqual(Array(10).fill(''));
      const [{ queued }] = await rows<{ queued: number }>(
        `SELECT count(DISTINCT message_key)::int AS queued FROM decision_outbox
         WHERE message_key LIKE 'batched-%'`,
      );
      expect(queued).toBe(10);
      // The completion is queued once, with the last batch, after every post's message.
      const outbox = await rows<{ message_key: string; value: string }>(
        `SELECT message_key, value FROM decision_outbox
         WHERE message_key LIKE 'batched-%' OR message_key = $1 ORDER BY id`,
        [accepted.body.id],
      );
      expect(outbox.map((m) => m.message_key).indexOf(accepted.body.id)).toBe(10);
      expect(JSON.parse(outbox[10].value)).toMatchObject({
        kind: 'erasure_completed',
        eventsErased: 10,
        completedAt: done.completedAt,
      });
      await admin.agent.get('/api/authors/erasures/not-a-uuid').expect(400);
      await admin.agent
        .get('/api/authors/erasures/00000000-0000-4000-8000-000000000000')
        .expect(404);
    } finally {
      service.batchSize = 2_000;
      service.answerWithinMs = 10_000;
    }
  });

  it('takes up an erasure no replica finished, leaving the posts stored after its request', async () => {
    await storePosts('resumed', 4, { storedAgo: '2 minutes' });
    const [{ id }] = await rows<{ id: string }>(
      `INSERT INTO erasures (source, author_id, reason, requested_by, requested_at, events_erased)
       VALUES ('forum', 'resumed', 'GDPR request #10', 'admin@sieve.local', now() - interval '1 minute', 0)
       RETURNING id`,
    );
    // A post of theirs stored since the request (a minute ago) is not erased by it.
    await storePosts('later', 1);
    await rows(
      `UPDATE scored_events SET author_id = 'resumed', text = 'stored later' WHERE event_id = 'later-1'`,
    );
    await stack.app.get(ErasureService).resumeUnfinished();
    const [erasure] = await rows<{ events_erased: number; completed_at: Date | null }>(
      `SELECT events_erased, completed_at FROM erasures WHERE id = $1`,
      [id],
    );
    expect(erasure).toMatchObject({ events_erased: 4, completed_at: expect.any(Date) });
    expect(await textsOf('resumed')).toStrictEqual(['stored later', '', '', '', '']);
  });

  it('two requests for one author at once erase each post once, with one message each', async () => {
    const service = stack.app.get(ErasureService);
    service.batchSize = 7;
    try {
      await storePosts('twice', 100);
      const admin = await stack.signIn('admin');
      const ask = (reason: string) =>
        admin.agent
          .post('/api/authors/erasures')
          .set('x-csrf-token', admin.csrfToken)
          .send({ source: 'forum', authorId: 'twice', reason });
      const answers = await Promise.all([ask('request #11'), ask('request #11, sent again')]);
      expect(answers.map((a) => a.status)).toStrictEqual([201, 201]);
      expect(answers[0].body.eventsErased + answers[1].body.eventsErased).toBe(100);
      expect(await textsOf('twice')).toStrictEqual(Array(100).fill(''));
      const [queued] = await rows<{ messages: number; posts: number }>(
        `SELECT count(*)::int AS messages, count(DISTINCT message_key)::int AS posts
         FROM decision_outbox WHERE message_key LIKE 'twice-%'`,
      );
      expect(queued).toStrictEqual({ messages: 100, posts: 100 });
    } finally {
      service.batchSize = 2_000;
    }
  });
});
