import { startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

// A replica that does not group (WAVES_ENABLED=false, as the consuming replicas run beside a
// grouper): it must still show flags waiting, or a deployment with no grouper at all fails silently.
describe('waves on a replica that does not group', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false', WAVES_ENABLED: 'false' });
  });
  afterAll(() => stack?.stop());

  it('says so in readiness and reports the waiting flags and their age', async () => {
    await stack.seedFlag('Buy cheap followers now, limited offer');
    await stack.seedFlag('Buy cheap followers today, limited offer');
    await stack.db.query(
      `UPDATE flags SET created_at = now() - interval '2 minutes' WHERE id =
         (SELECT flag_id FROM wave_inbox ORDER BY seq LIMIT 1)`,
    );

    const reviewer = await stack.signIn('reviewer');
    const health = await reviewer.agent.get('/api/health/ready').expect(200);
    const waves = health.body.details.waves;
    expect(waves.grouping).toMatch(/^not on this replica \(WAVES_ENABLED=false\)/);
    expect(waves.waiting).toBe(2);
    expect(waves.oldestWaitingSeconds).toBeGreaterThanOrEqual(120);
    expect(waves.oldestWaitingSeconds).toBeLessThan(600);

    const metrics = await reviewer.agent.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^sieve_wave_inbox_backlog 2$/m);
    const age = Number(/^sieve_wave_inbox_oldest_seconds (\S+)$/m.exec(metrics.text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(120);
    // Nothing grouped them.
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM wave_members');
    expect(rows[0].n).toBe(0);
  });
});
