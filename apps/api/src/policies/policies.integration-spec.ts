import type { BacktestDataDto, PolicyVersionDto } from '@sieve/contracts';
import type { AutomaticDecisionMessage, CategoryRule } from '@sieve/moderation';
import { eventually, startTestStack } from '../../test/test-stack';
import { HistogramRollupService } from './histogram-rollup.service';

const event = (id: string, text: string, source = 'forum') => ({
  key: id,
  value: JSON.stringify({ id, source, authorId: 'a1', text, createdAt: '2026-11-25T10:00:00Z' }),
});

describe('policies: drafts, publishing, rollback, hot reload and backtests', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  const decisionFor = (eventId: string) =>
    stack.collected.decisions
      .map((m) => JSON.parse(m.value ?? '') as AutomaticDecisionMessage)
      .filter((d) => d.eventId === eventId);

  it('edits a draft, refuses bad thresholds, publishes it live within seconds, rolls back — all audited', async () => {
    const viewer = await stack.signIn('viewer');
    const reviewer = await stack.signIn('reviewer');
    const admin = await stack.signIn('policy_admin');
    const write = (method: 'post' | 'patch' | 'delete', path: string) =>
      admin.agent[method](path).set('x-csrf-token', admin.csrfToken);

    const initial: PolicyVersionDto[] = (await viewer.agent.get('/api/policies').expect(200)).body;
    expect(initial.map((p) => [p.version, p.status, p.live])).toStrictEqual([
      [1, 'published', true],
    ]);

    await reviewer.agent
      .post('/api/policies/drafts')
      .set('x-csrf-token', reviewer.csrfToken)
      .expect(403);
    const draft: PolicyVersionDto = (
      await write('post', '/api/policies/drafts').send({}).expect(201)
    ).body;
    expect(draft).toMatchObject({ version: 2, status: 'draft', live: false, basedOn: 1 });
    await write('post', '/api/policies/drafts').send({}).expect(409);

    const rules: Record<string, CategoryRule> = { ...draft.rules };
    const bad = await write('patch', '/api/policies/drafts/2')
      .send({
        rules: { ...rules, pii: { enabled: true, reviewThreshold: 1.5 }, nonsense: rules['pii'] },
      })
      .expect(422);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toStrictEqual([
      'rules.pii.reviewThreshold',
    ]);
    const unknown = await write('patch', '/api/policies/drafts/2')
      .send({ rules: { ...rules, nonsense: rules['pii'] } })
      .expect(422);
    expect(unknown.body.details).toStrictEqual([
      { field: 'rules.nonsense', errors: ['not a category of this set'] },
    ]);
    await write('patch', '/api/policies/drafts/2')
      .send({ rules: { ...rules, pii: { enabled: true, reviewThreshold: 0.555 } } })
      .expect(422);
    const inverted = {
      ...rules,
      pii: { enabled: true, reviewThreshold: 0.8, autoActionThreshold: 0.5 },
    };
    await write('patch', '/api/policies/drafts/2').send({ rules: inverted }).expect(422);

    // The draft stops reviewing PII, except from the kids' chat.
    const edited = {
      rules: { ...rules, pii: { enabled: false, reviewThreshold: 0.5 } },
      overrides: { 'kids-chat': { pii: { enabled: true, reviewThreshold: 0.3 } } },
    };
    await write('patch', '/api/policies/drafts/2').send(edited).expect(200);

    await stack.produce([event('before-1', 'mail me at jane.doe@example.org')]);
    await eventually('the first decision', async () => decisionFor('before-1').length > 0);
    expect(decisionFor('before-1')[0]).toMatchObject({ decision: 'review', policyVersion: 1 });

    const published: PolicyVersionDto = (
      await write('post', '/api/policies/drafts/2/publish')
        .send({ changeNote: 'PII only for kids' })
        .expect(200)
    ).body;
    expect(published).toMatchObject({
      status: 'published',
      live: true,
      changeNote: 'PII only for kids',
    });
    await write('patch', '/api/policies/drafts/2').send(edited).expect(409);

    await stack.produce([
      event('after-1', 'mail me at jane.doe@example.org'),
      event('after-kids', 'mail me at jane.doe@example.org', 'kids-chat'),
    ]);
    await eventually(
      'decisions under version 2',
      async () => decisionFor('after-1').length > 0 && decisionFor('after-kids').length > 0,
    );
    expect(decisionFor('after-1')[0]).toMatchObject({ decision: 'allow', policyVersion: 2 });
    expect(decisionFor('after-kids')[0]).toMatchObject({ decision: 'review', policyVersion: 2 });

    const rolledBack: PolicyVersionDto = (
      await write('post', '/api/policies/1/rollback').send({ changeNote: 'back to v1' }).expect(200)
    ).body;
    expect(rolledBack).toMatchObject({ version: 3, basedOn: 1, live: true, status: 'published' });
    expect(rolledBack.rules).toStrictEqual(initial[0].rules);
    await write('post', '/api/policies/3/rollback').send({ changeNote: 'again' }).expect(409);

    const { agent: auditor } = await stack.signIn('admin');
    const audit = await auditor.get('/api/audit?objectType=policy').expect(200);
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toStrictEqual(
      expect.arrayContaining([
        'policy.draft_created',
        'policy.draft_updated',
        'policy.published',
        'policy.rolled_back',
      ]),
    );
    // Published versions cannot be changed, even bypassing the api.
    await expect(
      stack.db.query(`UPDATE policy_versions SET rules = '{}' WHERE version = 1`),
    ).rejects.toThrow(/immutable/);
  });

  it('aggregates stored scores and reviewer verdicts for what-ifs, and samples changed decisions', async () => {
    const admin = await stack.signIn('policy_admin');
    const flag = await stack.seedFlag('I will kill you, backtest');
    await stack.db.query(
      `INSERT INTO flag_decisions (flag_id, action, reason, status_before) VALUES ($1, 'remove', 'threat', 'open')`,
      [flag.id],
    );
    await stack.app.get(HistogramRollupService).rollUp(0);
    const from = '2000-01-01T00:00:00Z';
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const data: BacktestDataDto = (
      await admin.agent.get(`/api/policies/backtest-data?from=${from}&to=${to}`).expect(200)
    ).body;
    const total = await stack.db.query('SELECT count(*)::int AS n FROM scored_events');
    expect(data.events).toBe(total.rows[0].n);
    const forumPii = data.histograms['forum']['pii'];
    expect(forumPii).toHaveLength(101);
    expect(forumPii.reduce((a, b) => a + b, 0)).toBe(
      (await stack.db.query(`SELECT count(*)::int AS n FROM scored_events WHERE source = 'forum'`))
        .rows[0].n,
    );
    expect(data.labelled['violence_and_threats']).toStrictEqual([{ score: 0.9, harmful: true }]);

    const live: PolicyVersionDto = (await admin.agent.get('/api/policies/3').expect(200)).body;
    const samples = await admin.agent
      .post('/api/policies/backtest/samples')
      .set('x-csrf-token', admin.csrfToken)
      .send({ from, to, rules: { ...live.rules, pii: { enabled: false, reviewThreshold: 0.5 } } })
      .expect(200);
    expect(samples.body.noLongerFlagged.map((s: { eventId: string }) => s.eventId)).toStrictEqual(
      expect.arrayContaining(['before-1', 'after-1']),
    );
    expect(samples.body.newlyFlagged).toStrictEqual([]);
    await admin.agent.get(`/api/policies/backtest-data?from=${to}&to=${from}`).expect(400);
  });

  it('runs a draft in shadow on live traffic and reports where it differs, without acting', async () => {
    const admin = await stack.signIn('policy_admin');
    const write = (method: 'post' | 'patch' | 'delete', path: string) =>
      admin.agent[method](path).set('x-csrf-token', admin.csrfToken);
    const draft: PolicyVersionDto = (
      await write('post', '/api/policies/drafts').send({}).expect(201)
    ).body;
    const noPii = { rules: { ...draft.rules, pii: { enabled: false, reviewThreshold: 0.5 } } };
    await write('patch', `/api/policies/drafts/${draft.version}`).send(noPii).expect(200);
    const started: PolicyVersionDto = (
      await write('post', `/api/policies/drafts/${draft.version}/shadow`)
        .send({ enabled: true })
        .expect(200)
    ).body;
    expect(started.shadowSince).not.toBeNull();

    await stack.produce([
      event('shadow-pii', 'mail me at shadow@example.org'),
      event('shadow-fine', 'what a lovely day'),
    ]);
    const report = await eventually('a shadow report of both events', async () => {
      const r = (await admin.agent.get(`/api/policies/${draft.version}/shadow`).expect(200)).body;
      return r.events >= 2 ? r : undefined;
    });
    expect(report.matrix).toStrictEqual(
      expect.arrayContaining([
        { live: 'review', shadow: 'allow', events: 1 },
        { live: 'allow', shadow: 'allow', events: 1 },
      ]),
    );
    expect(report.examples.map((e: { eventId: string }) => e.eventId)).toStrictEqual([
      'shadow-pii',
    ]);
    // The live decision is the one published and stored: the shadow does not act.
    await eventually('the published decision', async () => decisionFor('shadow-pii').length > 0);
    expect(decisionFor('shadow-pii')[0]).toMatchObject({ decision: 'review' });

    // An edit restarts the comparison; stopping ends it.
    await write('patch', `/api/policies/drafts/${draft.version}`).send(noPii).expect(200);
    expect((await admin.agent.get(`/api/policies/${draft.version}/shadow`)).body.events).toBe(0);
    const stopped: PolicyVersionDto = (
      await write('post', `/api/policies/drafts/${draft.version}/shadow`)
        .send({ enabled: false })
        .expect(200)
    ).body;
    expect(stopped.shadowSince).toBeNull();
    await write('delete', `/api/policies/drafts/${draft.version}`).expect(204);
  });
});
