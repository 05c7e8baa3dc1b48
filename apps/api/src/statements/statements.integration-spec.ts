import {
  buildDsaStatement,
  DEFAULT_DSA_CATEGORY_MAP,
  DSA_COUNTRIES,
  type DsaStatement,
} from '@sieve/moderation';
import {
  type FakeTransparencyDatabase,
  startFakeTransparencyDatabase,
} from '../../test/fake-transparency-database';
import { eventually, startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Signed = Awaited<ReturnType<Stack['signIn']>>;

describe('statements of reasons', () => {
  let stack: Stack;
  let tdb: FakeTransparencyDatabase;
  let reviewer: Signed;
  let policyAdmin: Signed;

  beforeAll(async () => {
    tdb = await startFakeTransparencyDatabase();
    stack = await startTestStack({
      TDB_BASE_URL: tdb.url,
      TDB_TOKEN: tdb.token,
      TDB_REQUESTS_PER_SECOND: '200',
      STATEMENTS_SETTLE_SECONDS: '0',
      STATEMENT_EDIT_MINUTES: '30',
      UNDO_WINDOW_SECONDS: '600',
      DSA_TERMS_GROUND: 'Forum rules, section 2',
    });
    reviewer = await stack.signIn('reviewer');
    policyAdmin = await stack.signIn('policy_admin');
  });
  afterAll(async () => {
    await stack?.stop();
    await tdb?.stop();
  });

  const statementsOf = async (flagId: string) =>
    (await reviewer.agent.get(`/api/statements?flagId=${flagId}`).expect(200)).body as {
      id: string;
      status: string;
      madeBy: string;
      submission: string;
      statement: DsaStatement;
    }[];
  const notices = () =>
    stack.collected.decisions
      .map((m) => JSON.parse(m.value ?? '{}'))
      .filter((m) => m.kind === 'notice');

  it('states an automatic block at once: final, sent to the author, accepted by the database', async () => {
    const flag = await stack.seedFlag('buy cheap followers', 'block');
    const [statement] = await eventually('the statement', async () => {
      const found = await statementsOf(flag.id);
      return found.length > 0 && found;
    });
    expect(statement).toMatchObject({ madeBy: 'automatic', status: 'final' });
    expect(statement.statement).toMatchObject({
      automated_decision: 'AUTOMATED_DECISION_FULLY',
      category: 'STATEMENT_CATEGORY_VIOLENCE',
      incompatible_content_ground: 'Forum rules, section 2',
      puid: `sieve-a-${flag.id}`,
    });
    // No personal data: neither the text nor the author.
    expect(JSON.stringify(statement.statement)).not.toMatch(/buy cheap followers|author-1/);
    const notice = await eventually('the notice', async () =>
      notices().find((n) => n.eventId === flag.eventId),
    );
    expect(notice).toMatchObject({
      source: 'seed',
      decision: 'block',
      statementId: `sieve-a-${flag.id}`,
      appeal: { instructions: expect.stringContaining('appeal') },
    });
    await eventually('accepted by the database', async () =>
      (await tdb.stored()).has(`sieve-a-${flag.id}`),
    );
    expect((await statementsOf(flag.id))[0].submission).toBe('accepted');
    // The builder's watermark is the last flag read, to the microsecond: a millisecond short, it
    // would read that flag again on every pass and never rest.
    const [watermark] = (
      await stack.db.query(
        `SELECT p.flag_created_at = f.created_at AS exact
         FROM statement_progress p JOIN flags f ON f.id = p.flag_id`,
      )
    ).rows;
    expect(watermark).toStrictEqual({ exact: true });
  });

  it("drafts a reviewer's removal for them to edit, finalizes it, and withdraws one that is undone", async () => {
    const flag = await stack.seedFlag();
    await reviewer.agent
      .post(`/api/flags/${flag.id}/decision`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ action: 'remove', reason: 'Threat of violence' })
      .expect(201);
    const [draft] = await eventually('the draft', async () => {
      const found = await statementsOf(flag.id);
      return found.length > 0 && found;
    });
    expect(draft).toMatchObject({
      madeBy: 'reviewer',
      status: 'draft',
      submission: 'not_submitted',
    });
    expect(draft.statement.automated_decision).toBe('AUTOMATED_DECISION_PARTIALLY');
    expect(draft.statement.decision_facts).toContain('(reason: Threat of violence)');

    const edited = await reviewer.agent
      .patch(`/api/statements/${draft.id}`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ decisionFacts: 'A direct threat against a named person.' })
      .expect(200);
    expect(edited.body.statement.decision_facts).toBe('A direct threat against a named person.');
    await reviewer.agent
      .post(`/api/statements/${draft.id}/finalize`)
      .set('x-csrf-token', reviewer.csrfToken)
      .expect(200);
    const late = await reviewer.agent
      .patch(`/api/statements/${draft.id}`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ decisionFacts: 'too late' })
      .expect(409);
    expect(late.body.code).toBe('not_a_draft');
    await eventually('accepted', async () => (await tdb.stored()).has(draft.statement.puid));
    expect((await tdb.stored()).get(draft.statement.puid)?.['decision_facts']).toBe(
      'A direct threat against a named person.',
    );
    expect(notices().filter((n) => n.eventId === flag.eventId)).toHaveLength(1);

    // Undone before it is final: withdrawn, never sent.
    const other = await stack.seedFlag();
    await reviewer.agent
      .post(`/api/flags/${other.id}/decision`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ action: 'remove', reason: 'Threat of violence' })
      .expect(201);
    await eventually('the draft', async () => (await statementsOf(other.id)).length > 0);
    await reviewer.agent
      .post(`/api/flags/${other.id}/decision/undo`)
      .set('x-csrf-token', reviewer.csrfToken)
      .expect(200);
    // The builder's watermark moves past flags that are not blocks too: passes stay bounded.
    await eventually('the watermark past the last flag', async () => {
      const { rows } = await stack.db.query(`SELECT flag_id FROM statement_progress`);
      return rows[0].flag_id === other.id;
    });
    await eventually(
      'withdrawn',
      async () => (await statementsOf(other.id))[0].status === 'withdrawn',
    );
  });

  it('exports final statements by period as JSON and CSV, for policy admins', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const json = await policyAdmin.agent
      .get(`/api/statements/export?from=${from}&to=${to}`)
      .expect(200);
    expect(json.body.length).toBeGreaterThanOrEqual(2);
    const csv = await policyAdmin.agent
      .get(`/api/statements/export?from=${from}&to=${to}&format=csv`)
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 4)).toStrictEqual([
      'made_by',
      'final_at',
      'submission',
      'puid',
    ]);
    expect(lines).toHaveLength(json.body.length + 1);
    await reviewer.agent.get(`/api/statements/export?from=${from}&to=${to}`).expect(403);
  });

  it('submits 10,000 statements in batches of 100 through 5% transient failures, each accepted exactly once', async () => {
    const settings = {
      categoryMap: DEFAULT_DSA_CATEGORY_MAP,
      termsGround: 'Forum rules',
      visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED' as const,
      territorialScope: DSA_COUNTRIES,
    };
    const flagId = (await stack.seedFlag('bulk')).id;
    const puids = Array.from({ length: 10_000 }, (_, i) => `bulk-${i}`);
    const statements = puids.map((puid, i) =>
      buildDsaStatement(
        {
          puid,
          madeBy: i % 2 ? 'automatic' : 'reviewer',
          categories: [{ category: 'pii', label: 'PII', score: 0.9, threshold: 0.5 }],
          contentDate: new Date(),
          decidedAt: new Date(),
          lang: 'en',
          notice: i % 3 === 0 ? 'article_16' : null,
          model: 'm',
          policyVersion: 1,
          reviewerReason: 'Personal data exposed',
          explanationSummary: null,
        },
        settings,
      ),
    );
    await tdb.setFailureRate(0.05);
    const callsBefore = (await tdb.calls()).length;
    await stack.db.query(
      `INSERT INTO statements_of_reasons (puid, flag_id, made_by, status, statement, final_at, submission, next_submit_at)
       SELECT s->>'puid', $1, 'automatic', 'final', s, now(), 'pending', now()
       FROM jsonb_array_elements($2::jsonb) AS s`,
      [flagId, JSON.stringify(statements)],
    );
    const backlog = await eventually(
      'all accepted',
      async () => {
        const res = await reviewer.agent.get('/api/statements/backlog').expect(200);
        return res.body.pending === 0 && res.body;
      },
      120_000,
    );
    await tdb.setFailureRate(0);
    const stored = await tdb.stored();
    const calls = (await tdb.calls()).slice(callsBefore);
    expect(backlog.rejected).toBe(0);
    expect(puids.every((p) => stored.has(p))).toBe(true);
    const { rows: states } = await stack.db.query(
      `SELECT submission, count(*)::int AS n FROM statements_of_reasons WHERE puid LIKE 'bulk-%' GROUP BY 1`,
    );
    expect(states).toStrictEqual([{ submission: 'accepted', n: 10_000 }]);
    expect(calls.every((c) => c.size <= 100)).toBe(true);
    // Failures before storing (429/500) and after (stored, answer lost: the retry meets its own
    // puids and takes them as accepted) both happened (the fake's failures are seeded).
    expect(calls.filter((c) => c.status === 500 || c.status === 429).length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.status === 422).length).toBeGreaterThan(0);
  }, 180_000);
});
