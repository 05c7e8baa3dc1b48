import request from 'supertest';
import { startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('next item', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false' });
  });
  afterAll(() => stack?.stop());

  it('hands 20 concurrent reviewers on two api instances distinct flags, never one twice', async () => {
    const flags = await Promise.all(
      Array.from({ length: 30 }, (_, i) => stack.seedFlag(`post ${i}`)),
    );
    const other = await stack.startAnotherApp({ INGEST_ENABLED: 'false' });
    const reviewers = await Promise.all(Array.from({ length: 20 }, () => stack.signIn('reviewer')));
    // Half the reviewers go through the second instance, with their session cookie.
    const servers = [stack.app.getHttpServer(), other.getHttpServer()];
    const ask = (i: number) =>
      request(servers[i % 2])
        .post('/api/flags/next?sort=oldest')
        .set('cookie', reviewers[i].cookie)
        .set('x-csrf-token', reviewers[i].csrfToken)
        .expect(200);
    // Every reviewer asks twice at once: 40 asks for 30 flags.
    const answers = await Promise.all(
      reviewers.flatMap((_, i) => [ask(i), ask(i)]).map(async (r) => (await r).body),
    );
    const handed = answers.map((a) => a.flagId).filter((id): id is string => id !== null);
    expect(handed).toHaveLength(30);
    expect(new Set(handed).size).toBe(30);
    expect(new Set(handed)).toStrictEqual(new Set(flags.map((f) => f.id)));
    expect(answers.filter((a) => a.flagId === null)).toHaveLength(10);

    // Each is held by the reviewer it was handed to.
    const { rows } = await stack.db.query(
      `SELECT count(*)::int AS n FROM flags WHERE claimed_by IS NOT NULL AND claim_expires_at > now()`,
    );
    expect(rows[0].n).toBe(30);
  });

  it('follows the queue order and filters, skips the current item, and keeps the senior queue for seniors', async () => {
    const reviewer = await stack.signIn('reviewer');
    const a = await stack.seedFlag('next-order first');
    const b = await stack.seedFlag('next-order second');
    const next = (query: string) =>
      reviewer.agent.post(`/api/flags/next?${query}`).set('x-csrf-token', reviewer.csrfToken);
    const first = await next('q=next-order&sort=oldest').expect(200);
    expect(first.body.flagId).toBe(a.id);
    expect(first.body.claim).toMatchObject({ userId: reviewer.userId });
    // Held by them now, so not handed out again; the next is b, even when a is "current".
    const second = await next(`q=next-order&sort=oldest&after=${a.id}`).expect(200);
    expect(second.body.flagId).toBe(b.id);
    expect((await next('q=next-order').expect(200)).body).toStrictEqual({
      flagId: null,
      claim: null,
    });
    await next('status=escalated').expect(403);
    await next('status=decided').expect(400);
  });

  it('hands out a flag that another transaction is only referencing (as the grouping does)', async () => {
    const reviewer = await stack.signIn('reviewer');
    const flag = await stack.seedFlag('next-referenced only');
    // What inserting a wave_members or flag_vectors row does to its flag until it commits.
    const grouping = await stack.db.connect();
    try {
      await grouping.query('BEGIN');
      await grouping.query('SELECT 1 FROM flags WHERE id = $1 FOR KEY SHARE', [flag.id]);
      const answer = await reviewer.agent
        .post('/api/flags/next?q=next-referenced')
        .set('x-csrf-token', reviewer.csrfToken)
        .expect(200);
      expect(answer.body.flagId).toBe(flag.id);
    } finally {
      await grouping.query('ROLLBACK');
      grouping.release();
    }
  });
});
