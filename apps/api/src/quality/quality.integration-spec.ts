import { eventually, startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Person = Awaited<ReturnType<Stack['signIn']>>;

describe('reviewer quality: golden items and second review', () => {
  let stack: Stack;
  let admin: Person;
  const post = (who: Person, path: string, body?: object) =>
    who.agent.post(path).set('x-csrf-token', who.csrfToken).send(body);
  const setQueue = (body: object) =>
    admin.agent.patch('/api/queues/default').set('x-csrf-token', admin.csrfToken).send(body);
  const decide = (who: Person, id: string, action: 'approve' | 'remove') =>
    post(who, `/api/flags/${id}/decision`, {
      action,
      reason: action === 'remove' ? 'Threat of violence' : 'Not harmful',
    }).expect(201);
  const published = () =>
    stack.collected.decisions.map((m) => JSON.parse(m.value ?? '{}') as Record<string, unknown>);

  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false', OUTBOX_POLL_MS: '200' });
    admin = await stack.signIn('policy_admin');
  });
  afterAll(() => stack?.stop());

  it('mixes golden items into the queue blind, scores the answer, and never publishes it', async () => {
    const first = await stack.signIn('reviewer');
    const second = await stack.signIn('reviewer');
    const original = await stack.seedFlag('golden: I will kill you');
    const open = await stack.seedFlag('still open');
    await post(first, `/api/flags/${original.id}/claim`).expect(201);
    const firstDecision = await decide(first, original.id, 'remove');

    const refused = await post(admin, '/api/golden', {
      flagId: open.id,
      expectedAction: 'remove',
    }).expect(422);
    expect(refused.body).toMatchObject({ code: 'not_decided' });
    await post(second, '/api/golden', { flagId: original.id, expectedAction: 'remove' }).expect(
      403,
    );
    await post(admin, '/api/golden', {
      flagId: original.id,
      expectedAction: 'remove',
      note: 'a direct threat',
    }).expect(201);
    await setQueue({ goldenRate: 1 }).expect(200);

    // The reviewer who decided the original is never served it.
    const own = await post(first, '/api/flags/next').expect(200);
    expect(own.body.flagId).toBe(open.id);
    await post(first, `/api/flags/${open.id}/decision`, {
      action: 'approve',
      reason: 'Not harmful',
    }).expect(201);

    const served = await post(second, '/api/flags/next').expect(200);
    const copyId = served.body.flagId as string;
    expect(copyId).not.toBe(original.id);
    const copy = (await second.agent.get(`/api/flags/${copyId}`).expect(200)).body;
    const real = (await second.agent.get(`/api/flags/${original.id}`).expect(200)).body;
    // Like any other open item: the same post, no history, nothing that gives it away.
    expect(copy).toMatchObject({
      status: 'open',
      decisions: [],
      notes: [],
      event: real.event,
      triggered: real.triggered,
    });
    expect(Object.keys(copy).sort()).toStrictEqual(Object.keys(real).sort());
    const context = (await second.agent.get(`/api/flags/${copyId}/context`).expect(200)).body;
    expect(context.similarDecided.map((s: { flagId: string }) => s.flagId)).not.toContain(
      original.id,
    );
    await decide(second, copyId, 'approve'); // not what the golden item expects

    // Served once: the next ask finds nothing (the queue is empty otherwise).
    expect((await post(second, '/api/flags/next').expect(200)).body.flagId).toBeNull();

    // Published: the first reviewer's two decisions; never the answer to the golden copy.
    const later = await stack.seedFlag('after the golden answer');
    const laterDecision = await decide(second, later.id, 'remove');
    await eventually('the later decision published', async () =>
      published().some((m) => m['decisionId'] === laterDecision.body.decisionId),
    );
    expect(published().some((m) => m['decisionId'] === firstDecision.body.decisionId)).toBe(true);
    expect(published().filter((m) => m['eventId'] === original.eventId)).toHaveLength(1);
    const { rows: statements } = await stack.db.query(
      `SELECT count(*)::int AS n FROM statements_of_reasons WHERE flag_id = $1`,
      [copyId],
    );
    expect(statements[0].n).toBe(0);

    const golden = (await admin.agent.get('/api/golden').expect(200)).body;
    expect(golden).toStrictEqual([
      expect.objectContaining({ flagId: original.id, answered: 1, correct: 0, active: true }),
    ]);
    const stats = (await admin.agent.get('/api/stats?days=1').expect(200)).body;
    expect(stats.quality.byReviewer).toStrictEqual([
      expect.objectContaining({
        reviewer: 'reviewer 3',
        goldenAnswered: 1,
        goldenCorrect: 0,
        secondReviews: 0,
        kappa: null,
      }),
    ]);
    // The copy is not traffic: the flags per day count the real flags only.
    const flagged = stats.flagsPerDay.reduce((n: number, d: { count: number }) => n + d.count, 0);
    expect(flagged).toBe(3);

    await admin.agent
      .delete(`/api/golden/${golden[0].id}`)
      .set('x-csrf-token', admin.csrfToken)
      .expect(204);
    await setQueue({ goldenRate: 0 }).expect(200);
  });

  it('gives a sample of decisions blind to a second reviewer and reports agreement as Cohen kappa', async () => {
    const first = await stack.signIn('reviewer');
    const second = await stack.signIn('reviewer');
    await setQueue({ secondReviewRate: 1 }).expect(200);
    const flags = await Promise.all(
      ['k1', 'k2', 'k3', 'k4', 'k5'].map((t) => stack.seedFlag(`kappa ${t}`)),
    );
    const firstActions = ['remove', 'remove', 'approve', 'approve'] as const;
    for (const [i, action] of firstActions.entries()) await decide(first, flags[i].id, action);

    // An undone decision is not reviewed again.
    await decide(first, flags[4].id, 'remove');
    await post(first, `/api/flags/${flags[4].id}/decision/undo`).expect(200);

    const copies = await stack.db.query(
      `SELECT f.id, f.copy_of FROM flags f WHERE f.copy_of = ANY($1::uuid[])`,
      [flags.map((f) => f.id)],
    );
    expect(copies.rows).toHaveLength(4);
    // Never back to the first reviewer (who holds the undone one again, too).
    expect((await post(first, '/api/flags/next?q=kappa').expect(200)).body.flagId).toBeNull();
    const hidden = await post(first, `/api/flags/${copies.rows[0].id}/claim`).expect(403);
    expect(hidden.body).toMatchObject({ code: 'decided_before' });

    const secondActions: Record<string, 'approve' | 'remove'> = {
      [flags[0].id]: 'remove',
      [flags[1].id]: 'approve',
      [flags[2].id]: 'approve',
      [flags[3].id]: 'approve',
    };
    for (let n = 0; n < 4; n++) {
      const next = (await post(second, '/api/flags/next?q=kappa').expect(200)).body.flagId;
      const copy = copies.rows.find((c: { id: string }) => c.id === next);
      expect(copy).toBeDefined();
      await decide(second, next, secondActions[copy.copy_of]);
    }
    // Second reviews are not reviewed again, and none is published.
    const { rows } = await stack.db.query(
      `SELECT count(*)::int AS n FROM flags c JOIN flags o ON o.id = c.copy_of WHERE o.copy_of IS NOT NULL`,
    );
    expect(rows[0].n).toBe(0);

    // Pairs (first, second): (remove, remove), (remove, approve), (approve, approve) twice.
    // Observed 3/4; chance 0.5 × 0.25 + 0.5 × 0.75 = 0.5; kappa (0.75 − 0.5) / 0.5 = 0.5.
    const stats = (await admin.agent.get('/api/stats?days=1').expect(200)).body;
    const pairFigures = { secondReviews: 4, agreement: 0.75, kappa: 0.5 };
    expect(stats.quality.byCategory).toStrictEqual([
      expect.objectContaining({ category: 'violence_and_threats', ...pairFigures }),
    ]);
    const byName = Object.fromEntries(
      stats.quality.byReviewer.map((r: { reviewer: string }) => [r.reviewer, r]),
    );
    expect(byName['reviewer 5']).toMatchObject(pairFigures);
    expect(byName['reviewer 4']).toMatchObject(pairFigures);
    await eventually('the first reviewer’s decisions published', async () =>
      flags.slice(0, 4).every((f) => published().some((m) => m['eventId'] === f.eventId)),
    );
    expect(published().filter((m) => m['reviewerId'] === second.userId)).toStrictEqual([]);
    await setQueue({ secondReviewRate: 0 }).expect(200);
  });

  it('checks nobody on erased posts: no golden copies, no second reviews, none marked golden', async () => {
    const first = await stack.signIn('reviewer');
    const second = await stack.signIn('reviewer');
    const golden = await stack.seedFlag('golden before erasure: I will kill you');
    const decidedLater = await stack.seedFlag('decided after erasure');
    await decide(first, golden.id, 'remove');
    await post(admin, '/api/golden', { flagId: golden.id, expectedAction: 'remove' }).expect(201);
    // Every seeded post has the same author: all of them lose their text.
    await stack.eraseAuthor('seed', 'author-1');
    await setQueue({ goldenRate: 1, secondReviewRate: 1 }).expect(200);

    await post(second, '/api/flags/next').expect(200);
    await decide(second, decidedLater.id, 'remove');
    const copies = await stack.db.query(
      `SELECT count(*)::int AS n FROM flags WHERE copy_of = ANY($1::uuid[])`,
      [[golden.id, decidedLater.id]],
    );
    expect(copies.rows[0].n).toBe(0);
    const refused = await post(admin, '/api/golden', {
      flagId: decidedLater.id,
      expectedAction: 'remove',
    }).expect(422);
    expect(refused.body).toMatchObject({ code: 'text_erased' });
    await setQueue({ goldenRate: 0, secondReviewRate: 0 }).expect(200);
  });
});
