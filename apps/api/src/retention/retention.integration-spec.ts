import { DAILY_HISTOGRAMS, HOURS_BY_DAY } from '../../test/histograms';
import { eventually, startTestStack } from '../../test/test-stack';
import { HistogramRollupService } from '../policies/histogram-rollup.service';
import { RetentionService } from './retention.service';

const DAY_MS = 86_400_000;
/** Three days' partitions: two past the 30 days allowed events are kept, one within. */
const DAYS_AGO = [45, 40, 10];

const event = (id: string, text: string) => ({
  key: id,
  value: JSON.stringify({
    id,
    source: 'forum',
    authorId: `author-${id}`,
    text,
    createdAt: '2026-10-01T10:00:00Z',
  }),
});

describe('retention: data that ages out', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;

  beforeAll(async () => {
    stack = await startTestStack({
      INGEST_ENABLED: 'true',
      RETENTION_ENABLED: 'false',
      RETENTION_ALLOWED_DAYS: '30',
      BACKTEST_SETTLE_SECONDS: '2',
    });
  });
  afterAll(() => stack?.stop());

  const rows = async <T>(sql: string, params: unknown[] = []) =>
    (await stack.db.query(sql, params)).rows as T[];
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await rows<{ n: string }>(sql, params))[0].n);

  it('drops exactly the expired days of allowed events; flags, histograms and backtests stay', async () => {
    // Through the real pipeline: per day, 4 allowed posts and 2 flagged ones.
    const batch = DAYS_AGO.flatMap((days) => [
      ...[1, 2, 3, 4].map((i) => event(`d${days}-ok-${i}`, `Lovely weather ${days} ${i}`)),
      ...[1, 2].map((i) => event(`d${days}-bad-${i}`, `I will kill you ${days} ${i}`)),
    ]);
    await stack.produce(batch);
    await eventually(
      'all stored',
      async () => (await count('SELECT count(*) AS n FROM scored_events')) === batch.length,
    );
    // Moved back in time (a row moves to its day's partition); the past days' partitions first.
    const dayOf = (days: number) => new Date(Date.now() - days * DAY_MS);
    await stack.db.query(`SELECT ensure_scored_event_partitions($1::date, now()::date)`, [
      dayOf(50).toISOString().slice(0, 10),
    ]);
    for (const days of DAYS_AGO)
      await stack.db.query(
        `UPDATE scored_events SET scored_at = date_trunc('day', now() - make_interval(days => $1)) + interval '12 hours'
         WHERE event_id LIKE $2`,
        [days, `d${days}-%`],
      );
    // An allowed post of an expired day that a later rescore flagged: it must stay.
    const [lateFlagged] = await rows<{ id: string }>(
      `SELECT id FROM scored_events WHERE event_id = 'd45-ok-1'`,
    );
    await stack.db.query(
      `INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score)
       VALUES ($1, 'review', ARRAY['pii'], '[]', 0.6)`,
      [lateFlagged.id],
    );
    // Backtest histograms count the moved rows from scratch.
    await stack.db.query(
      `TRUNCATE score_histograms, score_histograms_daily; UPDATE score_histogram_progress SET rolled_up_to = '-infinity'`,
    );
    await stack.app.get(HistogramRollupService).rollUp(2);

    const admin = await stack.signIn('admin');
    const agent = admin.agent;
    const range = `from=${dayOf(60).toISOString()}&to=${new Date().toISOString()}`;
    const backtest = async () => {
      const { tookMs: _took, ...data } = (
        await agent.get(`/api/policies/backtest-data?${range}`).expect(200)
      ).body;
      return data;
    };
    const backtestBefore = await backtest();
    expect(backtestBefore.events).toBe(batch.length);
    const histogramsBefore = await count('SELECT sum(events) AS n FROM score_histograms');
    const flagsBefore = await count('SELECT count(*) AS n FROM flags');

    // The dry run counts and changes nothing.
    const dryRun = (
      await admin.agent
        .post('/api/retention/dry-run')
        .set('x-csrf-token', admin.csrfToken)
        .expect(200)
    ).body;
    const expiredDays = [45, 40].map(
      (d) => `scored_events_allowed_${dayOf(d).toISOString().slice(0, 10).replaceAll('-', '')}`,
    );
    expect(dryRun).toMatchObject({
      dryRun: true,
      allowedEvents: { removed: 7, movedToKept: 1, waitingForHistograms: [] },
      decisions: { flags: 0, events: 0 },
    });
    expect(dryRun.allowedEvents.partitions).toStrictEqual(expect.arrayContaining(expiredDays));
    expect(await count('SELECT count(*) AS n FROM scored_events')).toBe(batch.length);

    const report = await stack.app.get(RetentionService).run({ dryRun: false });
    expect(report).toMatchObject({ allowedEvents: { removed: 7, movedToKept: 1 } });

    // Exactly the expired allowed events are gone, with their keys; nothing else.
    const left = await rows<{ event_id: string; kept: boolean }>(
      `SELECT event_id, kept FROM scored_events ORDER BY event_id`,
    );
    expect(left.map((r) => r.event_id)).toStrictEqual(
      [
        'd10-bad-1',
        'd10-bad-2',
        'd10-ok-1',
        'd10-ok-2',
        'd10-ok-3',
        'd10-ok-4',
        'd40-bad-1',
        'd40-bad-2',
        'd45-bad-1',
        'd45-bad-2',
        'd45-ok-1',
      ].sort(),
    );
    expect(left.find((r) => r.event_id === 'd45-ok-1')?.kept).toBe(true);
    expect(
      await count(
        `SELECT count(*) AS n FROM event_keys WHERE event_id LIKE 'd45-ok-%' OR event_id LIKE 'd40-ok-%'`,
      ),
    ).toBe(1);
    const partitions = await rows<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'scored_events_allowed'::regclass`,
    );
    for (const gone of expiredDays) expect(partitions.map((p) => p.name)).not.toContain(gone);
    expect(await count('SELECT count(*) AS n FROM flags')).toBe(flagsBefore);
    expect(await count('SELECT sum(events) AS n FROM score_histograms')).toBe(histogramsBefore);
    expect(await backtest()).toStrictEqual(backtestBefore);
    expect(await rows(DAILY_HISTOGRAMS)).toStrictEqual(await rows(HOURS_BY_DAY));

    // Reported to the audit log; the status page lists the run and the partitions ahead.
    const [audited] = await rows<{ details: { allowedEvents: { removed: number } } }>(
      `SELECT details FROM audit_log WHERE action = 'retention.run'`,
    );
    expect(audited.details.allowedEvents.removed).toBe(7);
    const status = (await admin.agent.get('/api/retention').expect(200)).body;
    expect(status.lastRuns[0].report.allowedEvents.removed).toBe(7);
    expect(new Date(status.allowedPartitions.newest).getTime()).toBeGreaterThan(
      Date.now() + 6 * DAY_MS,
    );
    await (await stack.signIn('policy_admin')).agent.get('/api/retention').expect(403);
  });

  it('past every retention: decided flags with their events, explanations, histograms and old audit entries', async () => {
    const farFuture = new Date(Date.now() + 4000 * DAY_MS);
    const flagged = await rows<{ id: string }>(`SELECT id FROM flags`);
    await stack.db.query(`UPDATE flags SET status = 'decided' WHERE id = $1`, [flagged[0].id]);
    const service = stack.app.get(RetentionService);
    const dry = await service.run({ dryRun: true, now: farFuture });
    expect(dry?.decisions.flags).toBe(1);
    expect(await count('SELECT count(*) AS n FROM flags')).toBe(flagged.length);

    const auditBefore = await count('SELECT count(*) AS n FROM audit_log');
    const report = await service.run({ dryRun: false, now: farFuture });
    expect(report?.decisions.flags).toBe(1);
    // Open flags stay however old they are (someone may be working on them), and their events.
    expect(await count('SELECT count(*) AS n FROM flags')).toBe(flagged.length - 1);
    expect(report?.histogramRows).toBeGreaterThan(0);
    expect(await count('SELECT count(*) AS n FROM score_histograms')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM score_histograms_daily')).toBe(0);
    // Every entry was older than the audit log's retention, then the run recorded itself.
    expect(report?.auditEntries).toBe(auditBefore);
    expect(await count('SELECT count(*) AS n FROM audit_log')).toBe(1);
    // Outside a retention run the audit log is append-only as ever.
    await expect(stack.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
});
