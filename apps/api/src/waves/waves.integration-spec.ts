import { normalizeForWaves, sampleWaves } from '@sieve/moderation';
import type { SimilarPostsDto, WaveDetailDto, WaveSummaryDto } from '@sieve/contracts';
import { DataSource } from 'typeorm';
import { contentEvent, eventually, startTestStack } from '../../test/test-stack';
import { RescoreService } from '../ingest/rescore.service';
import { VectorStore } from './vector.store';
import { type OpenFlagRow, WaveStore } from './wave.store';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * A wave of 50 reworded posts from 20 authors, among other flagged and allowed posts, through
 * the real pipeline (Kafka, Postgres, the offline scorer and vectors): grouped as it arrives,
 * raised as a campaign, shown as one row, one member excluded, the rest removed in one decision.
 */
describe('waves', () => {
  let stack: Stack;
  const wave = sampleWaves({
    waves: 1,
    perWave: 50,
    authorsPerWave: 20,
    unrelated: 0,
    firstCampaign: 10,
    seed: 3,
  });
  const other = sampleWaves({
    waves: 1,
    perWave: 3,
    authorsPerWave: 3,
    unrelated: 0,
    firstCampaign: 6,
    seed: 4,
  });
  const event = (id: string, text: string, authorId: string) =>
    contentEvent({ id, text, authorId });

  beforeAll(async () => {
    stack = await startTestStack({
      OUTBOX_POLL_MS: '200',
      WAVE_CAMPAIGN_AUTHORS: '15',
      WAVE_CAMPAIGN_QUEUE: 'campaigns',
    });
  });
  afterAll(() => stack?.stop());

  it('groups a reworded campaign into one wave, raises it, and removes it in one audited decision', async () => {
    const reviewer = await stack.signIn('reviewer');
    const lead = await stack.signIn('policy_admin');
    await lead.agent
      .post('/api/queues')
      .set('x-csrf-token', lead.csrfToken)
      .send({ id: 'campaigns', name: 'Campaigns', memberRole: 'reviewer', memberIds: [] })
      .expect(201);
    await stack.produce([
      ...wave.map((p, i) => event(`wave-${i}`, p.text, p.authorId)),
      ...other.map((p, i) => event(`other-${i}`, p.text, p.authorId)),
      event('alone', 'You should sue them, the contract has a legal loophole', 'someone'),
      event('fine', 'What a lovely day at the beach', 'someone-else'),
    ]);
    const waves = await eventually('both waves grouped', async () => {
      const res = await reviewer.agent.get('/api/waves').expect(200);
      const list = res.body as WaveSummaryDto[];
      return list.length === 2 && list[0].size === 50 && list[1].size === 3 ? list : undefined;
    });
    const [campaign, small] = waves;
    expect(campaign).toMatchObject({ status: 'open', size: 50, authors: 20 });
    // Raised once, for what it showed then: fast growth too only when the batch that brought the
    // 15th author brought enough members (where Kafka splits the events decides that).
    expect(['many_authors', 'fast_growth_many_authors']).toContain(campaign.raised?.reason);
    expect(campaign.growthPerMinute).toBe(5);
    expect(campaign.samples).toHaveLength(3);
    expect(campaign.categories).toContain('violence_and_threats');
    expect(small).toMatchObject({ size: 3, authors: 3, raised: null });
    // The campaign went to its queue (audited once per batch); the small wave stayed.
    const { rows: queues } = await stack.db.query(
      `SELECT f.queue, count(*)::int AS n FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
       WHERE e.event_id LIKE 'wave-%' OR e.event_id LIKE 'other-%' GROUP BY 1 ORDER BY 1`,
    );
    expect(queues).toStrictEqual([
      { queue: 'campaigns', n: 50 },
      { queue: 'default', n: 3 },
    ]);
    const { rows: routed } = await stack.db.query(
      `SELECT details FROM audit_log WHERE action = 'wave.routed'`,
    );
    expect(routed.reduce((n, r) => n + r.details.flags, 0)).toBe(50);

    // A replica rebuilding its grouping reads at most WAVE_GROUPING_LIMIT open flags: the newest.
    const store = stack.app.get(WaveStore);
    const manager = stack.app.get(DataSource).manager;
    const method = stack.app.get(VectorStore).method;
    const openFlags = (limit: number, pageSize: number) =>
      manager.transaction(async (tx) => {
        const pages: OpenFlagRow[][] = [];
        const options = { method, windowMinutes: 60, limit, pageSize };
        await store.readOpenFlags(tx, options, (rows) => pages.push(rows));
        return pages;
      });
    const [open] = await openFlags(1000, 1000);
    expect(open).toHaveLength(54);
    // A page at a time, in the same order (the last page short).
    expect((await openFlags(1000, 20)).map((page) => page.length)).toStrictEqual([20, 20, 14]);
    expect((await openFlags(1000, 20)).flat()).toStrictEqual(open);
    expect((await openFlags(10, 20)).flat()).toStrictEqual(open.slice(-10));

    // The queue shows the waves instead of their members: the lone post is left.
    const collapsed = await reviewer.agent
      .get('/api/flags?collapseWaves=true&status=open')
      .expect(200);
    expect(
      collapsed.body.items.map((f: { event: { eventId: string } }) => f.event.eventId),
    ).toStrictEqual(['alone']);
    const all = await reviewer.agent.get('/api/flags?status=open&limit=100').expect(200);
    expect(all.body.items).toHaveLength(54);

    const detail = (await reviewer.agent.get(`/api/waves/${campaign.id}`).expect(200))
      .body as WaveDetailDto;
    expect(detail.members).toHaveLength(50);
    const excluded = detail.members[7].flag;
    await reviewer.agent
      .post(`/api/waves/${campaign.id}/members/${excluded.id}/exclusion`)
      .set('x-csrf-token', reviewer.csrfToken)
      .expect(204);
    expect((await reviewer.agent.get(`/api/waves/${campaign.id}`)).body.size).toBe(49);

    await reviewer.agent
      .post(`/api/waves/${campaign.id}/decision`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ action: 'remove', reason: 'nope' })
      .expect(400);
    const decided = await reviewer.agent
      .post(`/api/waves/${campaign.id}/decision`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ action: 'remove', reason: 'Threat of violence', note: 'campaign' })
      .expect(200);
    expect(decided.body).toStrictEqual({ waveId: campaign.id, decided: 49, skipped: [] });
    await reviewer.agent
      .post(`/api/waves/${campaign.id}/decision`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ action: 'remove', reason: 'Threat of violence' })
      .expect(409);

    // One audited decision for the wave; one decision per member, each published once.
    const { rows: audit } = await stack.db.query(
      `SELECT details FROM audit_log WHERE action = 'wave.decided' AND object_id = $1`,
      [campaign.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].details.flagIds).toHaveLength(49);
    const { rows: statuses } = await stack.db.query(
      `SELECT f.status, count(*)::int AS n FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
       WHERE e.event_id LIKE 'wave-%' GROUP BY 1 ORDER BY 1`,
    );
    expect(statuses).toStrictEqual([
      { status: 'decided', n: 49 },
      { status: 'open', n: 1 },
    ]);
    const removals = await eventually('49 removals published', async () => {
      const found = stack.collected.decisions.filter(
        (m) => m.headers.kind === 'reviewer' && (m.key ?? '').startsWith('wave-'),
      );
      return found.length >= 49 ? found : undefined;
    });
    expect(new Set(removals.map((m) => m.key)).size).toBe(49);
    expect(removals.map((m) => JSON.parse(m.value ?? '{}').action)).toStrictEqual(
      Array(49).fill('remove'),
    );
    expect((await reviewer.agent.get('/api/waves')).body).toHaveLength(1);

    // The excluded member: similar past decisions by meaning, and the precedent they set.
    const context = await eventually(
      'a precedent for the excluded member',
      async () => {
        const res = await reviewer.agent.get(`/api/flags/${excluded.id}/context`).expect(200);
        return res.body.precedent ? res.body : undefined;
      },
      10_000,
    );
    expect(context.similarBy).toBe('vectors');
    expect(context.similarDecided).toHaveLength(5);
    expect(context.precedent).toMatchObject({ action: 'remove' });
    expect(context.precedent.count).toBeGreaterThanOrEqual(3);

    // Find posts like this, by text and by flag.
    const byText = (
      await reviewer.agent
        .get('/api/waves/similar')
        .query({ text: 'i know where you live, I will kill you' })
        .expect(200)
    ).body as SimilarPostsDto;
    expect(byText.method).toMatchObject({ offline: true });
    expect(byText.search).toBe('exact');
    expect(byText.items.length).toBeGreaterThan(10);
    expect(byText.items[0].flag.event.eventId).toMatch(/^wave-|^alone$/);
    const byFlag = (
      await reviewer.agent.get('/api/waves/similar').query({ flagId: excluded.id }).expect(200)
    ).body as SimilarPostsDto;
    expect(byFlag.items.map((i) => i.flag.id)).not.toContain(excluded.id);
    await reviewer.agent.get('/api/waves/similar').expect(422);

    const health = await reviewer.agent.get('/api/health/ready').expect(200);
    expect(health.body.details.waves).toMatchObject({
      search: 'exact',
      vectors: { offline: true },
      grouping: expect.stringMatching(/^on this replica/),
      waiting: 0,
      oldestWaitingSeconds: 0,
    });
    const metrics = await reviewer.agent.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^sieve_wave_inbox_backlog 0$/m);
    expect(metrics.text).toMatch(/^sieve_wave_inbox_oldest_seconds 0$/m);
    expect(metrics.text).toMatch(
      /sieve_waves_raised_total\{reason="(fast_growth_)?many_authors"\} 1/,
    );
  });

  it('decides new copies of the removed campaign by precedent once the policy says so', async () => {
    const reviewer = await stack.signIn('reviewer');
    const lead = await stack.signIn('policy_admin');
    const write = (method: 'post' | 'patch', url: string) =>
      lead.agent[method](url).set('x-csrf-token', lead.csrfToken);
    // Before the rule: a copy of a removed post waits for a reviewer like any other.
    await stack.produce([event('before-rule', wave[0].text, 'late-author')]);
    const waiting = await eventually('the copy flagged and grouped', async () => {
      const { rows } = await stack.db.query(
        `SELECT f.status FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
         JOIN flag_vectors v ON v.flag_id = f.id WHERE e.event_id = 'before-rule'`,
      );
      return rows[0];
    });
    expect(waiting.status).toBe('open');

    const draft = (await write('post', '/api/policies/drafts').send({}).expect(201)).body;
    const rule = { actions: ['remove'], minDecided: 3, minSimilarity: 0.7 };
    await write('patch', `/api/policies/drafts/${draft.version}`)
      .send({ rules: draft.rules, precedent: { ...rule, minDecided: 1 } })
      .expect(422);
    await write('patch', `/api/policies/drafts/${draft.version}`)
      .send({ rules: draft.rules, precedent: { ...rule, actions: ['escalate'] } })
      .expect(422);
    const updated = await write('patch', `/api/policies/drafts/${draft.version}`)
      .send({ rules: draft.rules, precedent: rule })
      .expect(200);
    expect(updated.body.precedent).toStrictEqual(rule);
    await write('post', `/api/policies/drafts/${draft.version}/publish`)
      .send({ changeNote: 'Remove copies of removed campaigns by precedent' })
      .expect(200);

    // Backtests learn from people's decisions: count their labels before any decision by precedent.
    const labels = async () => {
      const data = await lead.agent
        .get('/api/policies/backtest-data')
        .query({
          from: new Date(Date.now() - 3_600_000).toISOString(),
          to: new Date(Date.now() + 3_600_000).toISOString(),
        })
        .expect(200);
      return Object.values(data.body.labelled as Record<string, unknown[]>).flat().length;
    };
    const labelsBefore = await labels();
    expect(labelsBefore).toBeGreaterThan(0);

    // Copies and a rewording of the removed campaign, and a post like nothing decided.
    await stack.produce([
      ...wave.slice(0, 4).map((p, i) => event(`again-${i}`, p.text, `copycat-${i}`)),
      event('unlike', 'Sue them all, that contract has a legal loophole you can use', 'loner'),
    ]);
    const decided = await eventually('the copies decided by precedent', async () => {
      const { rows } = await stack.db.query(
        `SELECT e.event_id, f.status, f.final_action, f.decided_by, d.reviewer_id, d.precedent, d.reason
         FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
         LEFT JOIN flag_decisions d ON d.flag_id = f.id
         WHERE e.event_id LIKE 'again-%' ORDER BY e.event_id`,
      );
      return rows.length === 4 && rows.every((r) => r.status === 'decided') ? rows : undefined;
    });
    for (const row of decided) {
      expect(row).toMatchObject({ final_action: 'remove', decided_by: null, reviewer_id: null });
      expect(row.precedent.count).toBeGreaterThanOrEqual(3);
      expect(row.precedent.minSimilarity).toBeGreaterThanOrEqual(0.7);
      expect(row.reason).toMatch(/^By precedent: reviewers removed \d+ posts at least \d+% alike$/);
    }
    // Sieve following precedent is not a person's word: the backtests' labels stay as they were,
    // and no reviewer (nor "former user") is credited with these decisions.
    expect(await labels()).toBe(labelsBefore);
    const stats = (await lead.agent.get('/api/stats?days=1').expect(200)).body;
    expect(stats.decisionsByReviewer.map((r: { reviewer: string }) => r.reviewer)).not.toContain(
      'former user',
    );
    // Not decided: the post like nothing decided, and the copy that came before the rule.
    const still = await eventually('the post like nothing decided, vectorized', async () => {
      const { rows } = await stack.db.query(
        `SELECT e.event_id, f.status FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
         JOIN flag_vectors v ON v.flag_id = f.id
         WHERE e.event_id IN ('unlike', 'before-rule') ORDER BY 1`,
      );
      return rows.length === 2 ? rows : undefined;
    });
    expect(still).toStrictEqual([
      { event_id: 'before-rule', status: 'open' },
      { event_id: 'unlike', status: 'open' },
    ]);

    // "Find posts like this" lists a text once, with how many found posts share it: here the
    // campaign's first post, its copy before the rule and its copy decided by precedent.
    const found = (
      await reviewer.agent.get('/api/waves/similar').query({ text: wave[0].text }).expect(200)
    ).body as SimilarPostsDto;
    const same = normalizeForWaves(wave[0].text);
    expect(normalizeForWaves(found.items[0].flag.event.text)).toBe(same);
    expect(found.items[0].similarity).toBeGreaterThanOrEqual(0.99);
    expect(found.items[0].sameText).toBeGreaterThanOrEqual(3);
    const texts = found.items.map((i) => normalizeForWaves(i.flag.event.text));
    expect(new Set(texts).size).toBe(texts.length);

    // The platform hears each as an automated decision with its grounds.
    const messages = await eventually('four precedent decisions published', async () => {
      const found = stack.collected.decisions.filter((m) => m.headers.kind === 'precedent');
      return found.length >= 4 ? found : undefined;
    });
    const bodies = messages.map((m) => JSON.parse(m.value ?? '{}'));
    expect(new Set(bodies.map((b) => b.eventId))).toStrictEqual(
      new Set(['again-0', 'again-1', 'again-2', 'again-3']),
    );
    expect(bodies[0]).toMatchObject({
      kind: 'precedent',
      action: 'remove',
      decision: 'block',
      policyVersion: draft.version,
      precedent: { count: expect.any(Number), minSimilarity: expect.any(Number) },
    });
    expect(bodies[0].precedent.flagIds.length).toBeGreaterThanOrEqual(3);
    const { rows: audit } = await stack.db.query(
      `SELECT object_id, details FROM audit_log WHERE action = 'flag.decided_by_precedent'`,
    );
    expect(audit.flatMap((a) => a.details.decisions)).toHaveLength(4);
    expect(audit[0].object_id).toBe(String(draft.version));

    // Counted as automated decisions in the transparency report.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const report = await lead.agent
      .get('/api/reports/transparency')
      .query({ from, to, period: 'day' })
      .expect(200);
    const automated = report.body.rows.filter(
      (r: { automation: string; action: string }) =>
        r.automation === 'automatic' && r.action === 'remove',
    );
    expect(automated.reduce((n: number, r: { decisions: number }) => n + r.decisions, 0)).toBe(4);
    const metrics = await reviewer.agent.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/sieve_precedent_decisions_total\{action="remove"\} 4/);

    // A rescore under a policy that reviews nothing changes every post's automatic decision, but
    // a decision by precedent stands: only the posts still waiting are announced as allowed.
    const lax = (await write('post', '/api/policies/drafts').send({}).expect(201)).body;
    for (const rule of Object.values(lax.rules as Record<string, { enabled: boolean }>))
      rule.enabled = false;
    await write('patch', `/api/policies/drafts/${lax.version}`)
      .send({ rules: lax.rules })
      .expect(200);
    await write('post', `/api/policies/drafts/${lax.version}/publish`)
      .send({ changeNote: 'Review nothing' })
      .expect(200);
    const [{ first }] = (
      await stack.db.query(
        `SELECT min(scored_at) AS first FROM scored_events
         WHERE event_id IN ('before-rule', 'unlike') OR event_id LIKE 'again-%'`,
      )
    ).rows;
    await stack.app.get(RescoreService).run({
      from: first,
      to: new Date(Date.now() + 3_600_000),
      policyVersion: lax.version,
    });
    const { rows: announced } = await stack.db.query(
      `SELECT value::jsonb->>'eventId' AS event_id FROM decision_outbox
       WHERE value::jsonb->>'kind' = 'automatic' AND (value::jsonb->>'policyVersion')::int = $1
       ORDER BY 1`,
      [lax.version],
    );
    expect(announced.map((r) => r.event_id)).toStrictEqual(['before-rule', 'unlike']);
  });
});
