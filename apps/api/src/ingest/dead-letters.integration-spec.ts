import { eventually, startTestStack } from '../../test/test-stack';
import { DeadLetters } from './dead-letters.service';
import { DLQ_HEADERS } from './ingest.service';

const event = (id: string, text: string, authorId = 'author-1') => ({
  key: id,
  value: JSON.stringify({ id, source: 'forum', authorId, text, createdAt: '2026-12-07T10:00:00Z' }),
});

const operator = { label: 'spec operator' };

describe('dead letters: what the topic holds, and sending them back', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    // A low text limit, so that a long post is dead-lettered as text_too_large.
    stack = await startTestStack({ INGEST_MAX_TEXT_BYTES: '200' });
  });
  afterAll(() => stack?.stop());

  it('surveys the topic per reason, and replays only the reasons named, as the producer sent them', async () => {
    const long = { ...event('long-1', `a long post ${'x'.repeat(300)}`) };
    await stack.produce([
      event('fine-1', 'Lovely weather in Lisbon today'),
      { ...long, headers: { 'trace-id': 't-1', 'sieve-trace': 'forged' } },
      { key: 'broken-1', value: '{"id": "broken-1", "text": ' },
    ]);
    await eventually('two dead letters', async () => stack.collected.dlq.length >= 2);
    const deadLetters = stack.app.get(DeadLetters);

    const survey = await deadLetters.survey();
    expect(survey.total).toBe(2);
    expect(Object.keys(survey.byReason).sort()).toStrictEqual(['invalid_json', 'text_too_large']);
    const tooLarge = survey.byReason['text_too_large'];
    expect(tooLarge.count).toBe(1);
    expect(tooLarge.latest).toStrictEqual([
      {
        from: expect.stringMatching(
          new RegExp(`^${stack.topics.content}/\\d+/\\d+ \\(dead letter \\d+/\\d+\\)$`),
        ),
        key: 'long-1',
        detail: expect.stringContaining('200'),
        failedAt: expect.any(String),
      },
    ]);

    // A dry run reads and sends nothing.
    const dry = await deadLetters.replay({ reasons: ['text_too_large'], dryRun: true }, operator);
    expect(dry).toStrictEqual({
      dryRun: true,
      read: 2,
      replayed: 1,
      byTopic: { [stack.topics.content]: 1 },
      skipped: { truncated: 0, erased: 0, foreignTopic: 0 },
    });
    const since = new Date(Date.now() + 60_000);
    expect(
      (await deadLetters.replay({ reasons: ['text_too_large'], since, dryRun: true }, operator))
        .replayed,
    ).toBe(0);

    // The replay goes back to content.events with the producer's key, bytes and headers. The
    // limit is still 200 bytes here, so it comes back as a second dead letter, which shows
    // what was sent: the forged sieve-* header is the producer's own again (and renamed once
    // more on its way in), and it says which dead letter it replays.
    const real = await deadLetters.replay({ reasons: ['text_too_large'], dryRun: false }, operator);
    expect(real.replayed).toBe(1);
    const again = await eventually(
      'the replayed post back in the dead-letter topic',
      async () => stack.collected.dlq.filter((m) => m.key === 'long-1')[1],
    );
    const first = stack.collected.dlq.find((m) => m.key === 'long-1');
    expect(again.value).toBe(long.value);
    expect(again.headers[DLQ_HEADERS.offset]).not.toBe(first?.headers[DLQ_HEADERS.offset]);
    expect(again.headers).toMatchObject({
      [DLQ_HEADERS.reason]: 'text_too_large',
      'trace-id': 't-1',
      'untrusted-sieve-trace': 'forged',
      'untrusted-sieve-replayed-from': expect.stringMatching(/\/\d+\/\d+$/),
    });
    // The malformed one was not named, so it stays where it is, once.
    expect(stack.collected.dlq.filter((m) => m.key === 'broken-1')).toHaveLength(1);
  });

  it('never sends an erased post again: its dead letter holds no text', async () => {
    const original = event('erased-1', 'I will kill you, signed Jane', 'leaving-author');
    await stack.produce([original]);
    await eventually('the original decision', async () =>
      stack.collected.decisions.some((m) => m.key === 'erased-1'),
    );
    await stack.eraseAuthor('forum', 'leaving-author');
    await stack.produce([original]);
    await eventually('the erased post dead-lettered', async () =>
      stack.collected.dlq.some((m) => m.key === 'erased-1'),
    );
    const report = await stack.app
      .get(DeadLetters)
      .replay({ reasons: ['erased_event_id'], dryRun: false }, operator);
    expect(report).toMatchObject({ replayed: 0, skipped: { erased: 1 } });
  });

  it('lets an admin survey and replay over HTTP, audited, naming known reasons only', async () => {
    const admin = await stack.signIn('admin');
    const survey = await admin.agent.get('/api/dead-letters').expect(200);
    expect(survey.body.byReason['text_too_large'].count).toBeGreaterThanOrEqual(1);
    const replay = (body: object) =>
      admin.agent.post('/api/dead-letters/replay').set('x-csrf-token', admin.csrfToken).send(body);
    expect((await replay({ reasons: [] })).status).toBe(400);
    expect((await replay({ reasons: ['no_such_reason'] })).status).toBe(400);
    const dry = await replay({ reasons: ['invalid_json'], dryRun: true }).expect(200);
    expect(dry.body).toMatchObject({ dryRun: true, replayed: 1 });
    const real = await replay({ reasons: ['invalid_json'] }).expect(200);
    expect(real.body).toMatchObject({ dryRun: false, replayed: 1 });
    const { rows } = await stack.db.query(
      `SELECT actor_id, details FROM audit_log WHERE action = 'dead_letters.replayed'
       ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0]).toMatchObject({
      actor_id: admin.userId,
      details: { reasons: ['invalid_json'], replayed: 1, sent: 1, since: null },
    });
  });
});
