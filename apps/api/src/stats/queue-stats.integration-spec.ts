import { startTestStack } from '../../test/test-stack';
import { QueueMetrics } from './queue-metrics';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('queue stats', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack({
      INGEST_ENABLED: 'false',
      METRICS_PUBLIC: 'true',
    });
  });
  afterAll(() => stack?.stop());

  it('reports per queue what waits, SLA breaches, and the time to first look and to decision', async () => {
    const reviewer = await stack.signIn('reviewer');
    await stack.db.query(`UPDATE queues SET sla_minutes = 30 WHERE id = 'default'`);
    const write = (path: string, body?: object) =>
      reviewer.agent.post(path).set('x-csrf-token', reviewer.csrfToken).send(body);
    const [late, handled, escalated, looked, closed] = await Promise.all([
      stack.seedFlag('waiting for 45 minutes'),
      stack.seedFlag('handled after 10 minutes'),
      stack.seedFlag('escalated'),
      stack.seedFlag('looked at after 20 minutes and put back'),
      stack.seedFlag('closed by automation'),
    ]);
    await stack.db.query(
      `UPDATE flags SET created_at = now() - make_interval(mins => m)
       FROM (VALUES ($1::uuid, 45), ($2::uuid, 10), ($3::uuid, 5), ($4::uuid, 20)) AS v(id, m)
       WHERE flags.id = v.id`,
      [late.id, handled.id, escalated.id, looked.id],
    );
    await stack.db.query(
      `UPDATE flags SET status = 'decided', final_action = 'remove', decided_at = created_at
       WHERE id = $1`,
      [closed.id],
    );
    await write(`/api/flags/${looked.id}/claim`).expect(201);
    await reviewer.agent
      .delete(`/api/flags/${looked.id}/claim`)
      .set('x-csrf-token', reviewer.csrfToken)
      .expect(204);
    await write(`/api/flags/${handled.id}/claim`).expect(201);
    await write(`/api/flags/${handled.id}/decision`, {
      action: 'remove',
      reason: 'Threat of violence',
    }).expect(201);
    await write(`/api/flags/${escalated.id}/decision`, {
      action: 'escalate',
      reason: 'Unclear under the policy',
    }).expect(201);

    const stats = await reviewer.agent.get('/api/stats?days=1').expect(200);
    const [review, senior, qa] = stats.body.queues;
    expect(stats.body.queues.map((q: { queue: string }) => q.queue)).toStrictEqual([
      'default',
      'senior',
      'qa',
    ]);
    // Decided: the reviewer's removal and automation's close.
    expect(review).toMatchObject({ queue: 'default', open: 2, slaBreaches: 1, decided: 2 });
    expect(qa).toMatchObject({ queue: 'qa', open: 0, decided: 0 });
    expect(Date.now() - Date.parse(review.oldestOpenAt)).toBeGreaterThan(44 * 60_000);
    // First looks after 10 and 20 minutes (the one put back still counts).
    expect(review.firstLookP50Seconds).toBeGreaterThanOrEqual(900);
    expect(review.firstLookP50Seconds).toBeLessThan(930);
    expect(review.firstLookP90Seconds).toBeGreaterThanOrEqual(1140);
    expect(review.firstLookP90Seconds).toBeLessThan(1170);
    expect(review.decisionP50Seconds).toBeGreaterThanOrEqual(600);
    expect(review.decisionP50Seconds).toBeLessThan(630);
    expect(senior).toMatchObject({ queue: 'senior', open: 1, slaBreaches: 0, decided: 0 });

    await stack.app.get(QueueMetrics).update();
    const metrics = await reviewer.agent.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^sieve_queue_open_flags\{queue="default"\} 2$/m);
    expect(metrics.text).toMatch(/^sieve_queue_sla_breaches\{queue="default"\} 1$/m);
    expect(metrics.text).toMatch(/^sieve_queue_open_flags\{queue="senior"\} 1$/m);
    const gauge = (name: string) =>
      Number(new RegExp(`^${name}\\{queue="default"\\} (\\S+)$`, 'm').exec(metrics.text)?.[1]);
    expect(gauge('sieve_queue_first_look_p50_seconds')).toBeGreaterThanOrEqual(900);
    expect(gauge('sieve_queue_first_look_p50_seconds')).toBeLessThan(930);
    expect(gauge('sieve_queue_decision_p50_seconds')).toBeGreaterThanOrEqual(600);
    expect(gauge('sieve_queue_decision_p50_seconds')).toBeLessThan(630);
  });
});
