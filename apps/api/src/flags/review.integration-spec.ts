import type { ReviewerDecisionMessage } from '@sieve/moderation';
import { eventually, startTestStack } from '../../test/test-stack';
import { FlagEventsService } from './flag-events.service';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Signed = Awaited<ReturnType<Stack['signIn']>>;

describe('review workflow: claims, decisions, undo, notes, bulk', () => {
  let stack: Stack;
  let alice: Signed;
  let bob: Signed;
  let senior: Signed;

  beforeAll(async () => {
    stack = await startTestStack({
      INGEST_ENABLED: 'false',
      // No grouping: a flag joining a wave rightly drops its kept list of similar decisions (it
      // is searched again by meaning), which made the cache test below pass or fail by timing.
      // waves.integration-spec covers the lists the grouping's vectors give.
      WAVES_ENABLED: 'false',
      UNDO_WINDOW_SECONDS: '60',
      CLAIM_LEASE_SECONDS: '300',
    });
    [alice, bob, senior] = await Promise.all([
      stack.signIn('reviewer'),
      stack.signIn('reviewer'),
      stack.signIn('policy_admin'),
    ]);
  });
  afterAll(() => stack?.stop());

  const post = (who: Signed, path: string, body?: object) => {
    const call = who.agent.post(path).set('x-csrf-token', who.csrfToken);
    return body ? call.send(body) : call;
  };
  const remove = { action: 'remove', reason: 'Threat of violence' };

  it('lets exactly one of two racing reviewers claim a flag, and shows who holds it', async () => {
    const flag = await stack.seedFlag();
    const [a, b] = await Promise.all([
      post(alice, `/api/flags/${flag.id}/claim`),
      post(bob, `/api/flags/${flag.id}/claim`),
    ]);
    expect([a.status, b.status].sort()).toStrictEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.message).toMatch(/is reviewing this flag/);

    const detail = await bob.agent.get(`/api/flags/${flag.id}`).expect(200);
    expect(detail.body.claim).toMatchObject({
      userId: expect.any(String),
      expiresAt: expect.any(String),
    });
    const claimed = await bob.agent.get('/api/flags?status=claimed').expect(200);
    expect(claimed.body.items.map((f: { id: string }) => f.id)).toContain(flag.id);
    const open = await bob.agent.get('/api/flags?status=open').expect(200);
    expect(open.body.items.map((f: { id: string }) => f.id)).not.toContain(flag.id);
  });

  it('never lets two reviewers decide the same flag, even at the same instant', async () => {
    for (let round = 0; round < 5; round++) {
      const flag = await stack.seedFlag();
      const results = await Promise.all([
        post(alice, `/api/flags/${flag.id}/decision`, remove),
        post(bob, `/api/flags/${flag.id}/decision`, { action: 'approve', reason: 'Not harmful' }),
      ]);
      expect(results.map((r) => r.status).sort()).toStrictEqual([201, 409]);
      const { rows } = await stack.db.query(
        `SELECT count(*)::int AS n FROM flag_decisions WHERE flag_id = $1`,
        [flag.id],
      );
      expect(rows[0].n).toBe(1);
    }
  });

  it('refuses to decide a flag someone else holds, until their lease runs out', async () => {
    const flag = await stack.seedFlag();
    await post(alice, `/api/flags/${flag.id}/claim`).expect(201);
    await post(bob, `/api/flags/${flag.id}/decision`, remove).expect(409);
    await stack.db.query(
      `UPDATE flags SET claim_expires_at = now() - interval '1 second' WHERE id = $1`,
      [flag.id],
    );
    await post(bob, `/api/flags/${flag.id}/decision`, remove).expect(201);
    const detail = await alice.agent.get(`/api/flags/${flag.id}`).expect(200);
    expect(detail.body).toMatchObject({ status: 'decided', finalAction: 'remove', claim: null });
  });

  it('publishes reviewer decisions to moderation.decisions, distinct from automatic ones, and audits them', async () => {
    const flag = await stack.seedFlag();
    const decided = await post(alice, `/api/flags/${flag.id}/decision`, {
      ...remove,
      note: 'clear threat',
      contentRevealed: false,
    }).expect(201);
    // Decided with the post blurred: recorded with the decision and shown in its history.
    const recorded = await alice.agent.get(`/api/flags/${flag.id}`).expect(200);
    expect(recorded.body.decisions).toStrictEqual([
      expect.objectContaining({ action: 'remove', contentRevealed: false }),
    ]);
    const message = await eventually('the reviewer decision on the topic', async () =>
      stack.collected.decisions
        .map((m) => JSON.parse(m.value ?? '{}') as ReviewerDecisionMessage)
        .find((m) => m.decisionId === decided.body.decisionId),
    );
    expect(message).toMatchObject({
      kind: 'reviewer',
      eventId: flag.eventId,
      source: 'seed',
      action: 'remove',
      decision: 'block',
      reason: 'Threat of violence',
      reviewerId: alice.userId,
      undone: false,
    });
    const audit = await stack.db.query(
      `SELECT actor_label, after FROM audit_log WHERE action = 'flag.decided' AND object_id = $1`,
      [flag.id],
    );
    expect(audit.rows[0]).toMatchObject({
      actor_label: alice.email,
      after: { status: 'decided', action: 'remove' },
    });
    const detail = await alice.agent.get(`/api/flags/${flag.id}`).expect(200);
    expect(detail.body.notes.map((n: { text: string }) => n.text)).toStrictEqual(['clear threat']);
    expect(detail.body.decisions).toHaveLength(1);
  });

  it('accepts only the configured reasons for an action', async () => {
    const flag = await stack.seedFlag();
    const bad = await post(alice, `/api/flags/${flag.id}/decision`, {
      action: 'approve',
      reason: 'Because I said so',
    }).expect(400);
    expect(bad.body.details[0].field).toBe('reason');
    await post(alice, `/api/flags/${flag.id}/decision`, { action: 'delete', reason: 'x' }).expect(
      400,
    );
  });

  it('sends escalations to the senior queue, where only policy admins and admins decide', async () => {
    const flag = await stack.seedFlag();
    await post(alice, `/api/flags/${flag.id}/decision`, {
      action: 'escalate',
      reason: 'Legal risk',
    }).expect(201);
    const escalated = await alice.agent.get('/api/flags?status=escalated').expect(200);
    expect(escalated.body.items.map((f: { id: string }) => f.id)).toContain(flag.id);
    await post(bob, `/api/flags/${flag.id}/claim`).expect(403);
    await post(bob, `/api/flags/${flag.id}/decision`, remove).expect(403);
    await post(senior, `/api/flags/${flag.id}/decision`, remove).expect(201);
  });

  it('undoes a decision within the window: back in the queue, held by the same reviewer, withdrawn on the topic', async () => {
    const flag = await stack.seedFlag();
    const decided = await post(alice, `/api/flags/${flag.id}/decision`, remove).expect(201);
    await post(bob, `/api/flags/${flag.id}/decision/undo`).expect(409);
    const undone = await post(alice, `/api/flags/${flag.id}/decision/undo`).expect(200);
    expect(undone.body.status).toBe('open');
    const detail = await alice.agent.get(`/api/flags/${flag.id}`).expect(200);
    expect(detail.body).toMatchObject({
      status: 'open',
      finalAction: null,
      claim: { userId: alice.userId },
    });
    expect(detail.body.decisions[0].undoneAt).toStrictEqual(expect.any(String));
    await eventually('the withdrawal on the topic', async () =>
      stack.collected.decisions.some((m) => {
        const d = JSON.parse(m.value ?? '{}') as ReviewerDecisionMessage;
        return d.decisionId === decided.body.decisionId && d.undone;
      }),
    );

    await post(alice, `/api/flags/${flag.id}/decision`, remove).expect(201);
    await stack.db.query(
      `UPDATE flag_decisions SET created_at = now() - interval '2 minutes' WHERE flag_id = $1 AND undone_at IS NULL`,
      [flag.id],
    );
    const late = await post(alice, `/api/flags/${flag.id}/decision/undo`).expect(409);
    expect(late.body.message).toMatch(/undone for 60 s/);
  });

  it('applies bulk decisions flag by flag and reports each outcome', async () => {
    const [free, held, done] = await Promise.all([
      stack.seedFlag(),
      stack.seedFlag(),
      stack.seedFlag(),
    ]);
    await post(bob, `/api/flags/${held.id}/claim`).expect(201);
    await post(bob, `/api/flags/${done.id}/decision`, remove).expect(201);
    const missing = '6f1c1c7e-3b9a-4b7e-9d7e-0c4b7a1f2e3d';
    const bulk = await post(alice, '/api/flags/bulk-decision', {
      ids: [free.id, held.id, done.id, missing],
      action: 'approve',
      reason: 'Not harmful',
    }).expect(200);
    expect(bulk.body.map((r: { outcome: string }) => r.outcome)).toStrictEqual([
      'decided',
      'conflict',
      'conflict',
      'not_found',
    ]);
    await post(alice, '/api/flags/bulk-decision', {
      ids: [],
      action: 'approve',
      reason: 'Not harmful',
    }).expect(400);
  });

  it('gives the item view its highlights, the author’s recent posts, and the reviewer’s blur setting', async () => {
    const first = await stack.seedFlag('first post: I will kill you');
    const second = await stack.seedFlag('second post: you are vermin');
    const detail = await alice.agent.get(`/api/flags/${second.id}`).expect(200);
    const text: string = detail.body.event.text;
    expect(
      detail.body.highlights.map((h: { start: number; end: number }) => text.slice(h.start, h.end)),
    ).toContain('vermin');

    const context = await alice.agent.get(`/api/flags/${second.id}/context`).expect(200);
    expect(context.body.authorRecent.map((e: { flagId: string }) => e.flagId)).toContain(first.id);
    expect(context.body.authorRecent.map((e: { flagId: string }) => e.flagId)).not.toContain(
      second.id,
    );

    // Similar past decisions: a near-identical post decided before, not an unrelated one.
    const earlier = await stack.seedFlag('Wire 500 euros to account 12345 or your family pays');
    const unrelated = await stack.seedFlag('lovely weather at the beach today, see you all');
    // The api drops similar-decision lists naming a flag when it hears that flag was updated
    // (LISTEN, so a moment after the answer): the decisions are heard before a list is kept.
    const heard: string[] = [];
    const listening = stack.app
      .get(FlagEventsService)
      .events.subscribe((e) => e.type === 'flag.updated' && heard.push(...e.ids));
    await post(alice, `/api/flags/${earlier.id}/decision`, remove).expect(201);
    await post(alice, `/api/flags/${unrelated.id}/decision`, remove).expect(201);
    await eventually('both decisions heard', async () =>
      [earlier.id, unrelated.id].every((id) => heard.includes(id)),
    );
    listening.unsubscribe();
    const repost = await stack.seedFlag('Wire 500 euros to account 12345 or your family pays!!');
    const similar = await alice.agent.get(`/api/flags/${repost.id}/context`).expect(200);
    expect(similar.body.similarDecided).toStrictEqual([
      expect.objectContaining({
        flagId: earlier.id,
        finalAction: 'remove',
        reason: 'Threat of violence',
        similarity: expect.any(Number),
      }),
    ]);
    expect(similar.body.similarDecided[0].similarity).toBeGreaterThan(0.8);
    // Searched once per minute per flag, not on every view: a decision made since shows later.
    const another = await stack.seedFlag('Wire 500 euros to account 12345 or your family pays.');
    await post(alice, `/api/flags/${another.id}/decision`, remove).expect(201);
    const cached = await alice.agent.get(`/api/flags/${repost.id}/context`).expect(200);
    expect(cached.body.similarDecided).toStrictEqual(similar.body.similarDecided);

    expect((await alice.agent.get('/api/auth/me').expect(200)).body.user.preferences).toStrictEqual(
      {
        blurSensitive: true,
        savedViews: [],
        contentFilters: {},
      },
    );
    const off = await alice.agent
      .patch('/api/auth/preferences')
      .set('x-csrf-token', alice.csrfToken)
      .send({ blurSensitive: false })
      .expect(200);
    expect(off.body.preferences).toStrictEqual({
      blurSensitive: false,
      savedViews: [],
      contentFilters: {},
    });
    await alice.agent
      .patch('/api/auth/preferences')
      .set('x-csrf-token', alice.csrfToken)
      .send({ blurSensitive: 'no' })
      .expect(400);

    // Saved views: the whole list at once, kept with the account, blur setting untouched.
    const views = [
      { name: 'PII, most severe', query: 'status=open&category=pii&sort=severity' },
      { name: 'Escalated', query: 'status=escalated' },
    ];
    const saved = await alice.agent
      .patch('/api/auth/preferences')
      .set('x-csrf-token', alice.csrfToken)
      .send({ savedViews: views })
      .expect(200);
    expect(saved.body.preferences).toStrictEqual({
      blurSensitive: false,
      savedViews: views,
      contentFilters: {},
    });

    // Content filters per category: the whole map at once, checked.
    const filters = { selfharm: 'warn', pii: 'greyscale' };
    const filtered = await alice.agent
      .patch('/api/auth/preferences')
      .set('x-csrf-token', alice.csrfToken)
      .send({ contentFilters: filters })
      .expect(200);
    expect(filtered.body.preferences.contentFilters).toStrictEqual(filters);
    for (const contentFilters of [{ selfharm: 'hide' }, { 'Not A Category!': 'blur' }, ['warn']]) {
      const bad = await alice.agent
        .patch('/api/auth/preferences')
        .set('x-csrf-token', alice.csrfToken)
        .send({ contentFilters })
        .expect(400);
      expect(JSON.stringify(bad.body.details)).toContain('contentFilters');
    }
    expect(
      (await alice.agent.get('/api/auth/me').expect(200)).body.user.preferences.savedViews,
    ).toStrictEqual(views);
    const refused = async (savedViews: unknown, field: RegExp) => {
      const response = await alice.agent
        .patch('/api/auth/preferences')
        .set('x-csrf-token', alice.csrfToken)
        .send({ savedViews });
      expect([400, 422]).toContain(response.status);
      expect(JSON.stringify(response.body.details)).toMatch(field);
    };
    await refused([{ name: '', query: 'status=open' }], /name/);
    await refused([{ name: 'x', query: '<script>' }], /query/);
    await refused([views[0], { ...views[1], name: 'pii, MOST severe' }], /savedViews/);
    await refused(
      Array.from({ length: 21 }, (_, i) => ({ name: `v${i}`, query: '' })),
      /savedViews/,
    );
  });

  it('reports stats: flags per day and category, decisions per reviewer, agreement on identical texts', async () => {
    const [a, b] = await Promise.all([
      stack.seedFlag('identical text for agreement'),
      stack.seedFlag('identical text for agreement'),
    ]);
    await post(alice, `/api/flags/${a.id}/decision`, remove).expect(201);
    await post(bob, `/api/flags/${b.id}/decision`, remove).expect(201);
    await stack.seedFlag('still waiting');
    const stats = await alice.agent.get('/api/stats?days=7').expect(200);
    expect(stats.body.days).toBe(7);
    expect(stats.body.flagsPerDay).toContainEqual({
      day: new Date().toISOString().slice(0, 10),
      category: 'violence_and_threats',
      count: expect.any(Number),
    });
    const names = stats.body.decisionsByReviewer.map((r: { reviewer: string }) => r.reviewer);
    expect(names).toStrictEqual(expect.arrayContaining(['reviewer 1', 'reviewer 2']));
    expect(stats.body.agreement.pairs).toBeGreaterThanOrEqual(1);
    expect(stats.body.agreement.agreed).toBeGreaterThanOrEqual(1);
    expect(stats.body.queue.waiting).toBeGreaterThan(0);
    expect(stats.body.mistralUsage).toBeNull();
    await alice.agent.get('/api/stats?days=365').expect(400);
  });

  it('adds notes to the item’s history, and a viewer can read but not act', async () => {
    const flag = await stack.seedFlag();
    await post(alice, `/api/flags/${flag.id}/notes`, { text: 'Same author as last week' }).expect(
      201,
    );
    const viewer = await stack.signIn('viewer');
    const detail = await viewer.agent.get(`/api/flags/${flag.id}`).expect(200);
    expect(detail.body.notes[0]).toMatchObject({
      text: 'Same author as last week',
      author: expect.any(String),
    });
    await post(viewer, `/api/flags/${flag.id}/claim`).expect(403);
  });

  it('refuses a note the database cannot store, naming the field, and keeps none of it', async () => {
    const flag = await stack.seedFlag();
    for (const text of ['a\u0000b', 'a\ud800b']) {
      const bad = await post(alice, `/api/flags/${flag.id}/notes`, { text }).expect(400);
      expect(bad.body).toMatchObject({
        message: 'Validation failed',
        details: [{ field: 'text', errors: [expect.stringMatching(/U\+0000|surrogate/)] }],
      });
    }
    const detail = await alice.agent.get(`/api/flags/${flag.id}`).expect(200);
    expect(detail.body.notes).toStrictEqual([]);
  });
});

describe('queue filters, sorts and counts', () => {
  let stack: Stack;
  let viewer: Signed;
  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false' });
    viewer = await stack.signIn('viewer');
    const scores = [0.6, 0.95, 0.75];
    for (const [i, score] of scores.entries()) {
      const flag = await stack.seedFlag(`post number ${i} about Paris`);
      await stack.db.query(
        `UPDATE flags SET max_score = $2, created_at = now() - make_interval(mins => $3) WHERE id = $1`,
        [flag.id, score, 10 - i],
      );
    }
    await stack.seedFlag('something about Lisbon');
  });
  afterAll(() => stack?.stop());

  const texts = (body: { items: { event: { text: string } }[] }) =>
    body.items.map((f) => f.event.text);

  it('filters by free text, score range and time, and sorts by severity or age with keyset pages', async () => {
    expect(texts((await viewer.agent.get('/api/flags?q=paris').expect(200)).body)).toHaveLength(3);
    expect(texts((await viewer.agent.get('/api/flags?q=100%25').expect(200)).body)).toStrictEqual(
      [],
    );
    expect(
      texts((await viewer.agent.get('/api/flags?minScore=0.7&maxScore=0.8').expect(200)).body),
    ).toStrictEqual(['post number 2 about Paris']);

    const first = await viewer.agent.get('/api/flags?q=paris&sort=severity&limit=2').expect(200);
    expect(texts(first.body)).toStrictEqual([
      'post number 1 about Paris',
      'post number 2 about Paris',
    ]);
    const second = await viewer.agent
      .get(`/api/flags?q=paris&sort=severity&limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(texts(second.body)).toStrictEqual(['post number 0 about Paris']);

    const oldest = await viewer.agent.get('/api/flags?sort=oldest&limit=1').expect(200);
    expect(texts(oldest.body)).toStrictEqual(['post number 0 about Paris']);
    // A page of one order continued in another: its cursor lacks the sort key's score or rank.
    for (const sort of ['severity', 'repeat_offenders'])
      expect(
        (
          await viewer.agent
            .get(`/api/flags?sort=${sort}&limit=1&cursor=${oldest.body.nextCursor}`)
            .expect(400)
        ).body.details,
      ).toStrictEqual([
        { field: 'cursor', errors: ['cursor must be a nextCursor returned by this endpoint'] },
      ]);
    const from = new Date(Date.now() - 5 * 60_000).toISOString();
    expect(
      texts((await viewer.agent.get(`/api/flags?from=${from}`).expect(200)).body),
    ).toStrictEqual(['something about Lisbon']);
    await viewer.agent.get('/api/flags?sort=random&minScore=2').expect(400);
  });

  it('counts per status for the same filters, with the age of the oldest waiting flag', async () => {
    const counts = await viewer.agent.get('/api/flags/counts?q=paris').expect(200);
    expect(counts.body).toMatchObject({
      open: 3,
      claimed: 0,
      escalated: 0,
      decided: 0,
      decidedAtLeast: false,
    });
    expect(Date.now() - Date.parse(counts.body.oldestWaitingAt)).toBeGreaterThan(9 * 60_000);
  });

  it('finds highlights once, within a time budget, and keeps them with the flag', async () => {
    const { agent } = await stack.signIn('viewer');
    const plain = await stack.seedFlag('I will kill you');
    const shown = await agent.get(`/api/flags/${plain.id}`).expect(200);
    expect(shown.body.highlightsCoverChars).toBe('I will kill you'.length);
    expect(shown.body.highlights).toStrictEqual(
      expect.arrayContaining([{ category: 'violence_and_threats', start: 7, end: 15 }]),
    );

    // A post built to be slow to search (a megabyte of digit runs): the first view searches
    // what the budget allows and says so; the result is kept, so later views search nothing.
    const huge = await stack.seedFlag(`${'1 '.repeat(1 << 19)}I will kill you`);
    const first = await agent.get(`/api/flags/${huge.id}`).expect(200);
    expect(first.body.highlightsCoverChars).toBeGreaterThan(0);
    expect(first.body.highlightsCoverChars).toBeLessThan(1 << 20);
    const { rows } = await stack.db.query(
      `SELECT highlights->'coveredChars' AS covered FROM flags WHERE id = $1`,
      [huge.id],
    );
    expect(rows).toStrictEqual([{ covered: first.body.highlightsCoverChars }]);
    const again = await agent.get(`/api/flags/${huge.id}`).expect(200);
    expect(again.body.highlightsCoverChars).toBe(first.body.highlightsCoverChars);
  });
});
