import { defaultPolicy, MISTRAL_MODERATION_2603, sampled } from '@sieve/moderation';
import { eventually, startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Person = Awaited<ReturnType<Stack['signIn']>>;

const event = (id: string, text: string, extra: Record<string, unknown> = {}) => ({
  key: id,
  value: JSON.stringify({
    id,
    source: 'forum',
    authorId: `author-${id}`,
    text,
    createdAt: new Date().toISOString(),
    ...extra,
  }),
});

describe('queues and routing', () => {
  let stack: Stack;
  let lead: Person;
  const post = (who: Person, path: string, body?: object) =>
    who.agent.post(path).set('x-csrf-token', who.csrfToken).send(body);
  const patch = (who: Person, path: string, body: object) =>
    who.agent.patch(path).set('x-csrf-token', who.csrfToken).send(body);
  const flagOf = async (source: string, eventId: string) =>
    eventually(`the flag of ${eventId}`, async () => {
      const { rows } = await stack.db.query(
        `SELECT f.id, f.queue, f.status FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
         WHERE e.source = $1 AND e.event_id = $2`,
        [source, eventId],
      );
      return rows[0] as { id: string; queue: string; status: string } | undefined;
    });

  beforeAll(async () => {
    stack = await startTestStack({ OUTBOX_POLL_MS: '200' });
    lead = await stack.signIn('policy_admin');
  });
  afterAll(() => stack?.stop());

  it('routes a French post to the queue a policy admin made for it; only its members take it', async () => {
    const member = await stack.signIn('reviewer');
    const outsider = await stack.signIn('reviewer');
    const created = await post(lead, '/api/queues', {
      id: 'french',
      name: 'French',
      description: 'Posts in French',
      memberRole: null,
      memberIds: [member.userId],
      slaMinutes: 30,
    }).expect(201);
    expect(created.body).toMatchObject({ id: 'french', decideRole: 'reviewer', builtIn: false });
    await post(lead, '/api/queues', { id: 'French!', name: 'x' }).expect(400);
    await post(lead, '/api/queues', { id: 'french', name: 'again' }).expect(409);

    const rules = [{ name: 'French posts', queue: 'french', when: { languages: ['fr'] } }];
    const refused = await post(lead, '/api/routing/preview', {
      rules: [{ name: 'x', queue: 'nowhere', when: { categories: ['nope'] } }],
    }).expect(422);
    expect(refused.body).toMatchObject({ code: 'invalid_routing' });
    expect(refused.body.details[0].errors).toStrictEqual([
      'rules[0].queue "nowhere" does not exist',
    ]);
    await post(lead, '/api/routing/preview', { rules: [{ name: 'x', queue: 'french' }] }).expect(
      400,
    );

    const published = await post(lead, '/api/routing', {
      rules,
      changeNote: 'French speakers take French posts',
    }).expect(201);
    expect(published.body).toMatchObject({ version: 2, rules });

    await stack.produce([
      event('fr-1', 'je vais te tuer demain', { lang: 'fr-FR' }),
      event('en-1', 'I will kill you tomorrow', { lang: 'en' }),
    ]);
    const french = await flagOf('forum', 'fr-1');
    const english = await flagOf('forum', 'en-1');
    expect(french.queue).toBe('french');
    expect(english.queue).toBe('default');

    const seen = async (who: Person) =>
      ((await who.agent.get('/api/queues').expect(200)).body as { id: string; waiting: number }[])
        .map((q) => `${q.id}:${q.waiting}`)
        .filter((q) => q.startsWith('french'));
    expect(await seen(member)).toStrictEqual(['french:1']);
    expect(await seen(outsider)).toStrictEqual([]);

    const refusedNext = await post(outsider, '/api/flags/next?queue=french').expect(403);
    expect(refusedNext.body).toMatchObject({ code: 'not_a_member' });
    await post(outsider, `/api/flags/${french.id}/claim`).expect(403);
    // Without a queue, "next" draws from the queues the reviewer works in: not French.
    const outsiderNext = await post(outsider, '/api/flags/next?q=tuer').expect(200);
    expect(outsiderNext.body.flagId).toBeNull();

    const taken = await post(member, '/api/flags/next?queue=french').expect(200);
    expect(taken.body).toMatchObject({ flagId: french.id, claim: { userId: member.userId } });
    const listed = await member.agent.get('/api/flags?queue=french').expect(200);
    expect(
      listed.body.items.map((f: { id: string; queue: string }) => [f.id, f.queue]),
    ).toStrictEqual([[french.id, 'french']]);

    // What the rules would have done over the last day: the two flags, one per queue.
    const preview = await post(lead, '/api/routing/preview', { rules: [] }).expect(200);
    const day = preview.body.windows.find((w: { window: string }) => w.window === '24h');
    expect(day).toMatchObject({
      flags: 2,
      proposed: { default: 2 },
      live: { default: 1, french: 1 },
    });
    const audit = await stack.db.query(
      `SELECT action, object_id FROM audit_log WHERE action IN ('queue.created', 'routing.published') ORDER BY id`,
    );
    expect(audit.rows).toStrictEqual([
      { action: 'queue.created', object_id: 'french' },
      { action: 'routing.published', object_id: '2' },
    ]);
    // Back to no rules, for the other specs.
    await post(lead, '/api/routing', { rules: [], changeNote: 'back to one queue' }).expect(201);
  });

  it('escalation moves an item to the senior queue and undo brings it back; leads move and assign, audited', async () => {
    const reviewer = await stack.signIn('reviewer');
    const other = await stack.signIn('reviewer');
    const viewer = await stack.signIn('viewer');
    const flag = await stack.seedFlag('escalate me');
    await post(reviewer, `/api/flags/${flag.id}/decision`, {
      action: 'escalate',
      reason: 'Needs a specialist',
    }).expect(201);
    const queueOf = async () =>
      (await stack.db.query(`SELECT queue FROM flags WHERE id = $1`, [flag.id])).rows[0].queue;
    expect(await queueOf()).toBe('senior');
    await post(reviewer, `/api/flags/${flag.id}/decision/undo`).expect(200);
    expect(await queueOf()).toBe('default');

    // Reviewers who are not leads cannot move or assign.
    const notLead = await post(other, `/api/flags/${flag.id}/queue`, {
      queue: 'qa',
      reason: 'x',
    }).expect(403);
    expect(notLead.body).toMatchObject({ code: 'not_a_lead' });
    await other.agent.get('/api/queues/default/members').expect(403);
    await patch(lead, '/api/queues/default', { leadIds: [other.userId] }).expect(200);
    const members = (await other.agent.get('/api/queues/default/members').expect(200)).body;
    expect(members.map((m: { id: string }) => m.id)).toStrictEqual(
      expect.arrayContaining([reviewer.userId, other.userId]),
    );
    expect(members.map((m: { id: string }) => m.id)).not.toContain(viewer.userId);
    await post(other, `/api/flags/${flag.id}/queue`, {
      queue: 'nowhere',
      reason: 'x',
    }).expect(404);
    const assigned = await post(other, `/api/flags/${flag.id}/assignment`, {
      userId: reviewer.userId,
    }).expect(200);
    expect(assigned.body).toMatchObject({ userId: reviewer.userId });
    const refused = await post(other, `/api/flags/${flag.id}/assignment`, {
      userId: viewer.userId,
    }).expect(422);
    expect(refused.body).toMatchObject({ code: 'assignee_not_member' });
    await post(other, `/api/flags/${flag.id}/queue`, {
      queue: 'qa',
      reason: 'an automation check',
    }).expect(200);
    expect(await queueOf()).toBe('qa');
    // Moving ends the claim: the new queue's people take it.
    const detail = await reviewer.agent.get(`/api/flags/${flag.id}`).expect(200);
    expect(detail.body).toMatchObject({ queue: 'qa', claim: null });
    const audit = await stack.db.query(
      `SELECT action, before, after, details FROM audit_log
       WHERE object_id = $1 AND action IN ('flag.moved', 'flag.assigned') ORDER BY id`,
      [flag.id],
    );
    expect(audit.rows).toStrictEqual([
      expect.objectContaining({ action: 'flag.assigned', after: { claimedBy: reviewer.userId } }),
      {
        action: 'flag.moved',
        before: { queue: 'default' },
        after: { queue: 'qa' },
        details: { reason: 'an automation check' },
      },
    ]);
    await patch(lead, '/api/queues/default', { leadIds: [] }).expect(200);
  });

  it('samples a share of automatic blocks into the QA queue within its statistical bounds and closes the rest', async () => {
    const policy = defaultPolicy(MISTRAL_MODERATION_2603, 2);
    policy.rules['violence_and_threats'].autoActionThreshold = 0.5;
    await stack.db.query(
      `INSERT INTO policy_versions (version, status, category_set_id, rules, published_at)
       VALUES (2, 'published', $1, $2, now())`,
      [policy.categorySetId, JSON.stringify(policy.rules)],
    );
    await new Promise((r) => setTimeout(r, 2_100)); // the live policy cache's lifetime
    const share = 0.3;
    await post(lead, '/api/routing', {
      rules: [],
      qaShares: { violence_and_threats: share },
      changeNote: 'automate threats, check 30%',
    }).expect(201);

    const n = 400;
    const ids = Array.from({ length: n }, (_, i) => `qa-${i}`);
    for (let i = 0; i < n; i += 100)
      await stack.produce(ids.slice(i, i + 100).map((id) => event(id, `I will kill you ${id}`)));
    const rows = await eventually(
      'all blocks flagged',
      async () => {
        const { rows } = await stack.db.query(
          `SELECT e.event_id, f.queue, f.status, f.final_action FROM flags f
           JOIN scored_events e ON e.id = f.scored_event_id
           WHERE e.event_id LIKE 'qa-%' AND f.auto_decision = 'block'`,
        );
        return rows.length === n && rows;
      },
      60_000,
    );
    const open = rows.filter((r: { status: string }) => r.status === 'open');
    const closed = rows.filter((r: { status: string }) => r.status === 'decided');
    expect(open.length + closed.length).toBe(n);
    expect(rows.every((r: { queue: string }) => r.queue === 'qa')).toBe(true);
    expect(closed.every((r: { final_action: string }) => r.final_action === 'remove')).toBe(true);
    // Binomial(400, 0.3): mean 120, standard deviation 9.2; the sample must lie within 4 of them.
    expect(open.length).toBeGreaterThan(120 - 4 * 9.2);
    expect(open.length).toBeLessThan(120 + 4 * 9.2);
    // And it is exactly the events the pure sample picks (stable per event: a replay picks the same).
    const expected = ids.filter((id) => sampled(`${'forum'.length}:forum${id}`, share));
    expect(open.map((r: { event_id: string }) => r.event_id).sort()).toStrictEqual(expected.sort());

    // A person overturns one sampled block: the stats show the share per category.
    const reviewer = await stack.signIn('reviewer');
    const sampledFlag = await flagOf('forum', open[0].event_id);
    await post(reviewer, `/api/flags/${sampledFlag.id}/decision`, {
      action: 'approve',
      reason: 'Not harmful',
    }).expect(201);
    const stats = await reviewer.agent.get('/api/stats?days=1').expect(200);
    expect(stats.body.automation).toStrictEqual([
      {
        category: 'violence_and_threats',
        blocks: n,
        closed: closed.length,
        reviewed: 1,
        overturned: 1,
      },
    ]);

    // The platform hears every block once, sampled or not.
    await eventually('400 automatic blocks published', async () => {
      const blocks = stack.collected.decisions
        .map((m) => JSON.parse(m.value ?? '{}'))
        .filter((m) => m.kind === 'automatic' && String(m.eventId).startsWith('qa-'));
      return blocks.length === n && new Set(blocks.map((b) => b.eventId)).size === n;
    });
  });
});
