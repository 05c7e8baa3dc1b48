import type { ErasureMessage } from '@sieve/moderation';
import { eventually, startTestStack } from '../../test/test-stack';
import { FlagEventsService } from '../flags/flag-events.service';

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
    expect(erased.body).toMatchObject({ source: 'forum', authorId: 'jane', eventsErased: 2 });

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
    expect(bodies.map((b) => b.eventId).sort()).toStrictEqual(['x1', 'x2']);
    expect(bodies[0]).toMatchObject({
      schemaVersion: 1,
      kind: 'erasure',
      erasureId: erased.body.id,
      source: 'forum',
      authorId: 'jane',
    });
    expect(messages.map((m) => m.key).sort()).toStrictEqual(['x1', 'x2']);

    // The dashboard's item shows it as erased; the request is listed and audited.
    const item = (await reviewer.agent.get(`/api/flags/${janeFlag.id}`).expect(200)).body;
    expect(item.event).toMatchObject({ text: '', erasedAt: expect.any(String) });
    const listed = (await admin.agent.get('/api/authors/erasures?authorId=jane').expect(200)).body;
    expect(listed).toStrictEqual([erased.body]);
    const [audit] = await rows<{ actor_label: string; details: { eventsErased: number } }>(
      `SELECT actor_label, details FROM audit_log WHERE action = 'author.erased'`,
    );
    expect(audit.details.eventsErased).toBe(2);

    // Asking again erases nothing more (and says so).
    const again = await admin.agent
      .post('/api/authors/erasures')
      .set('x-csrf-token', admin.csrfToken)
      .send({ source: 'forum', authorId: 'jane', reason: 'GDPR request #1, again' })
      .expect(201);
    expect(again.body.eventsErased).toBe(0);
  });

  it('erases a prolific author in one request: 14,000 posts, one erasure message each', async () => {
    const posts = 14_000;
    await stack.db.query(
      `WITH k AS (
         INSERT INTO event_keys (source, event_id)
         SELECT 'forum', 'bot-' || i FROM generate_series(1, $1) AS i
         RETURNING scored_event_id, event_id)
       INSERT INTO scored_events (id, source, event_id, author_id, text, event_created_at, model_id,
                                  score_layout, score_values, policy_version, decision, kept)
       SELECT k.scored_event_id, 'forum', k.event_id, 'bot', 'Buy followers, post ' || k.event_id,
              now(), score_model_id('m'), c.layout, c.vals, 1, 'allow', true
       FROM k CROSS JOIN compact_scores('{"pii": 0.1}') AS c`,
      [posts],
    );
    expect((await stack.eraseAuthor('forum', 'bot')).eventsErased).toBe(posts);
    const [{ queued }] = await rows<{ queued: number }>(
      `SELECT count(*)::int AS queued FROM decision_outbox WHERE message_key LIKE 'bot-%'`,
    );
    expect(queued).toBe(posts);
  });
});
