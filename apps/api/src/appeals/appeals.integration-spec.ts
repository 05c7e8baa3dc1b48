import request from 'supertest';
import { eventually, startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Signed = Awaited<ReturnType<Stack['signIn']>>;

describe('appeals', () => {
  let stack: Stack;
  let admin: Signed;
  let first: Signed;
  let second: Signed;
  let platformToken: string;

  beforeAll(async () => {
    stack = await startTestStack();
    admin = await stack.signIn('admin');
    first = await stack.signIn('reviewer');
    second = await stack.signIn('reviewer');
    const minted = await admin.agent
      .post('/api/tokens')
      .set('x-csrf-token', admin.csrfToken)
      .send({ name: 'forum-platform', role: 'reviewer' })
      .expect(201);
    platformToken = minted.body.token;
  });
  afterAll(() => stack?.stop());

  const platform = () => request(stack.app.getHttpServer());
  const appeal = (body: object) =>
    platform().post('/api/appeals').set('authorization', `Bearer ${platformToken}`).send(body);
  const decideAppeal = (who: Signed, id: string, body: object) =>
    who.agent.post(`/api/appeals/${id}/decision`).set('x-csrf-token', who.csrfToken).send(body);
  const messagesFor = (eventId: string) =>
    stack.collected.decisions
      .map((m) => JSON.parse(m.value ?? '{}'))
      .filter((m) => m.eventId === eventId);

  it('takes an appeal on a removal once, lets only another reviewer decide it, and publishes the outcome', async () => {
    const flag = await stack.seedFlag();
    await first.agent
      .post(`/api/flags/${flag.id}/decision`)
      .set('x-csrf-token', first.csrfToken)
      .send({ action: 'remove', reason: 'Threat of violence' })
      .expect(201);

    const body = {
      appealId: 'ap-1',
      source: 'seed',
      eventId: flag.eventId,
      statement: 'a quote from a film',
    };
    const created = await appeal(body).expect(201);
    expect(created.body).toMatchObject({ status: 'open', created: true });
    // The platform retrying is not a second appeal.
    const again = await appeal(body).expect(200);
    expect(again.body).toStrictEqual({ ...created.body, created: false });
    const other = await appeal({ ...body, appealId: 'ap-2' }).expect(409);
    expect(other.body).toMatchObject({ code: 'already_appealed' });
    // Appealed within the undo window: the appeal decides now, not an undo.
    const undo = await first.agent
      .post(`/api/flags/${flag.id}/decision/undo`)
      .set('x-csrf-token', first.csrfToken)
      .expect(409);
    expect(undo.body).toMatchObject({ code: 'appealed' });

    const queue = await second.agent.get('/api/appeals?status=open').expect(200);
    const listed = queue.body.items.find((a: { id: string }) => a.id === created.body.id);
    expect(listed).toMatchObject({
      appealId: 'ap-1',
      statement: 'a quote from a film',
      submittedBy: 'token:forum-platform',
      appealed: { kind: 'reviewer', reason: 'Threat of violence', reviewerId: first.userId },
      post: { text: 'I will kill you', erasedAt: null },
    });

    const self = await decideAppeal(first, created.body.id, {
      outcome: 'overturned',
      reason: 'Quotation',
    }).expect(403);
    expect(self.body).toMatchObject({ code: 'original_reviewer' });
    const decided = await decideAppeal(second, created.body.id, {
      outcome: 'overturned',
      reason: 'Quotation from a film, not a threat',
    }).expect(200);
    expect(decided.body).toMatchObject({
      status: 'overturned',
      outcomeReason: 'Quotation from a film, not a threat',
    });
    await decideAppeal(second, created.body.id, { outcome: 'upheld', reason: 'x' }).expect(409);

    // The platform hears both: the removal, then the appeal's outcome restoring the post.
    const published = await eventually('both decisions published', async () => {
      const found = messagesFor(flag.eventId);
      return found.length >= 2 && found;
    });
    expect(published.map((m) => [m.kind, m.decision])).toStrictEqual([
      ['reviewer', 'block'],
      ['appeal', 'allow'],
    ]);
    expect(published[1]).toMatchObject({
      appealId: 'ap-1',
      outcome: 'overturned',
      reviewerId: second.userId,
      reason: 'Quotation from a film, not a threat',
    });

    const detail = await second.agent.get(`/api/flags/${flag.id}`).expect(200);
    expect(detail.body).toMatchObject({ status: 'decided', finalAction: 'approve' });
    expect(detail.body.decisions.map((d: { action: string }) => d.action)).toStrictEqual([
      'remove',
    ]);
    const history = await second.agent.get(`/api/appeals?flagId=${flag.id}`).expect(200);
    expect(history.body.items.map((a: { status: string }) => a.status)).toStrictEqual([
      'overturned',
    ]);
    const audit = await admin.agent.get(`/api/audit?objectId=${flag.id}`).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toStrictEqual(
      expect.arrayContaining(['appeal.submitted', 'appeal.decided']),
    );

    // Overturned removals count against precision (a negative label in the backtest data)...
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const data = await admin.agent
      .get(`/api/policies/backtest-data?from=${from}&to=${to}`)
      .expect(200);
    expect(data.body.labelled.violence_and_threats).toStrictEqual([{ score: 0.9, harmful: false }]);
    // ...and show on the stats page.
    const stats = await admin.agent.get('/api/stats?days=1').expect(200);
    expect(stats.body.appeals.byCategory).toContainEqual({
      category: 'violence_and_threats',
      decided: 1,
      overturned: 1,
    });
    expect(stats.body.appeals.byReviewer).toContainEqual({
      reviewer: 'reviewer 2',
      decided: 1,
      overturned: 1,
    });
  });

  it('refuses appeals on what was not restricted, with a machine-readable reason', async () => {
    const approved = await stack.seedFlag('fine words');
    await first.agent
      .post(`/api/flags/${approved.id}/decision`)
      .set('x-csrf-token', first.csrfToken)
      .send({ action: 'approve', reason: 'Not harmful' })
      .expect(201);
    const base = { source: 'seed', statement: 'why' };
    const r1 = await appeal({ ...base, appealId: 'ap-3', eventId: approved.eventId }).expect(409);
    expect(r1.body).toMatchObject({ code: 'not_appealable' });
    const r2 = await appeal({ ...base, appealId: 'ap-4', eventId: 'never-seen' }).expect(404);
    expect(r2.body).toMatchObject({ code: 'event_not_restricted' });
    const r3 = await appeal({ ...base, appealId: '', eventId: 'x' }).expect(400);
    expect(JSON.stringify(r3.body)).toContain('appealId');
  });

  it('treats a block closed by gradual automation as automatic: in strikes, appeals and stats', async () => {
    // As ingest leaves an automatic block that automation closed without sampling it for QA.
    const closed = await stack.seedFlag('I will hurt you, closed by automation', 'block');
    await stack.db.query(
      `UPDATE flags SET status = 'decided', final_action = 'remove', decided_at = now() WHERE id = $1`,
      [closed.id],
    );
    const strikes = (
      await first.agent.get('/api/authors/strikes?source=seed&authorId=author-1').expect(200)
    ).body as { counted: { flagId: string; why: string }[] };
    expect(strikes.counted.find((c) => c.flagId === closed.id)?.why).toBe(
      'blocked automatically (× 0.5); violence_and_threats weighs 2',
    );

    const created = await appeal({
      appealId: 'ap-closed',
      source: 'seed',
      eventId: closed.eventId,
      statement: 'it was a song lyric',
    }).expect(201);
    const listed = (await first.agent.get(`/api/appeals?flagId=${closed.id}`).expect(200)).body
      .items[0];
    expect(listed).toMatchObject({
      id: created.body.id,
      appealed: { kind: 'automatic', reviewerId: null, reviewer: null },
    });
    await decideAppeal(first, created.body.id, {
      outcome: 'overturned',
      reason: 'A song lyric',
    }).expect(200);
    // Overturned automated decisions are not put down to a reviewer ("former user").
    const stats = await admin.agent.get('/api/stats?days=1').expect(200);
    expect(stats.body.appeals.byReviewer).not.toContainEqual(
      expect.objectContaining({ reviewer: 'former user' }),
    );
    expect(stats.body.appeals.byReviewer).toContainEqual(
      expect.objectContaining({ reviewer: null }),
    );
  });

  it('takes appeals from the appeals topic, and dead-letters malformed and refused ones with the reason', async () => {
    const blocked = await stack.seedFlag('buy followers now', 'block');
    await stack.produceAppeals([
      {
        value: JSON.stringify({
          appealId: 'k-1',
          source: 'seed',
          eventId: blocked.eventId,
          statement: 'this is my shop',
        }),
      },
      { value: '{"appealId": "k-2"' },
      // Valid JSON, but text PostgreSQL cannot store: retried, it would hold up its partition.
      {
        value: JSON.stringify({
          appealId: 'k-4',
          source: 'seed',
          eventId: blocked.eventId,
          statement: 'mine\u0000',
        }),
      },
      {
        value: JSON.stringify({ appealId: 'k-3', source: 'seed', eventId: 'nope', statement: 'x' }),
      },
    ]);
    const listed = await eventually('the appeal from Kafka', async () => {
      const res = await second.agent.get(`/api/appeals?flagId=${blocked.id}`).expect(200);
      return res.body.items[0];
    });
    expect(listed).toMatchObject({
      appealId: 'k-1',
      submittedBy: 'kafka',
      appealed: { kind: 'automatic', reviewerId: null },
    });
    const reasons = await eventually('three dead letters', async () => {
      const found = stack.collected.dlq
        .filter((m) => m.headers['sieve-original-topic'] === stack.topics.appeals)
        .map((m) => m.headers['sieve-dlq-reason']);
      return found.length >= 3 && found;
    });
    expect(reasons.sort()).toStrictEqual(['appeal_refused', 'invalid_appeal', 'invalid_appeal']);

    // Upholding an automatic block: a human has now confirmed it.
    await decideAppeal(first, listed.id, { outcome: 'upheld', reason: 'Spam' }).expect(200);
    const outcome = await eventually('the outcome', async () =>
      messagesFor(blocked.eventId).find((m) => m.kind === 'appeal'),
    );
    expect(outcome).toMatchObject({ outcome: 'upheld', decision: 'block', appealId: 'k-1' });
  });

  it('shows an appeal on a post erased since as erased: no text, no statement, still decidable', async () => {
    const flag = await stack.seedFlag('I will find you');
    await first.agent
      .post(`/api/flags/${flag.id}/decision`)
      .set('x-csrf-token', first.csrfToken)
      .send({ action: 'remove', reason: 'Threat of violence' })
      .expect(201);
    const created = await appeal({
      appealId: 'ap-erased',
      source: 'seed',
      eventId: flag.eventId,
      statement: 'my words, my address: 1 Main St',
    }).expect(201);
    // Every seeded post has the same author.
    await stack.eraseAuthor('seed', 'author-1');

    const listed = (await second.agent.get(`/api/appeals?flagId=${flag.id}`).expect(200)).body
      .items[0];
    expect(listed).toMatchObject({
      id: created.body.id,
      statement: '',
      post: { text: '', erasedAt: expect.any(String) },
    });
    await decideAppeal(second, created.body.id, { outcome: 'upheld', reason: 'Threat' }).expect(
      200,
    );
  });
});
