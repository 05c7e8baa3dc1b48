import request from 'supertest';
import { startTestStack } from '../../test/test-stack';
import { LOGIN_LOCKED } from './auth.service';

/** Clients at different addresses, through the proxy the stack trusts. */
describe('login throttle', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack({
      INGEST_ENABLED: 'false',
      TRUST_PROXY: 'true',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
      LOGIN_MAX_FAILURES_PER_IP: '1000',
    });
  });
  afterAll(() => stack?.stop());

  const login = (email: string, password: string, ip: string) =>
    request(stack.app.getHttpServer())
      .post('/api/auth/login')
      .set('x-forwarded-for', ip)
      .send({ email, password });

  it('checks at most the limit of 30 parallel guesses, even with the right password among them', async () => {
    const victim = await stack.signIn('reviewer');
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        login(victim.email, i === 12 ? victim.password : `guess-${i}`, '203.0.113.7'),
      ),
    );
    const statuses = attempts.map((a) => a.status);
    const checked = statuses.filter((s) => s === 200 || s === 401).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - checked);
    for (const refused of attempts.filter((a) => a.status === 429))
      expect(refused.body.message).toBe(LOGIN_LOCKED);
    // Every attempt was counted (unless the right password got in first: that gives them back).
    if (!statuses.includes(200)) {
      const { rows } = await stack.db.query(`SELECT failures FROM login_throttle WHERE key = $1`, [
        `account:${victim.email.toLowerCase()}|ip:203.0.113.7`,
      ]);
      // eslint-disable-next-line jest/no-conditional-expect -- a success clears the count, and whether the right password is among the five checked is a race
      expect(rows).toStrictEqual([{ failures: 30 }]);
    }
  });

  it('does not lock the owner out when someone else fails from another address', async () => {
    const owner = await stack.signIn('reviewer');
    for (let i = 0; i < 5; i++) await login(owner.email, `wrong-${i}`, '198.51.100.9').expect(401);
    await login(owner.email, owner.password, '198.51.100.9').expect(429);
    // The owner, elsewhere: let in (after a short, growing wait), not refused.
    const started = Date.now();
    await login(owner.email, owner.password, '192.0.2.44').expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    // The attacker's address stays locked on that account.
    await login(owner.email, owner.password, '198.51.100.9').expect(429);
  });

  it('writes one audit entry per lock, not one per refused attempt', async () => {
    const target = await stack.signIn('reviewer');
    for (let i = 0; i < 5; i++)
      await login(target.email, `spray-${i}`, '203.0.113.100').expect(401);
    for (let i = 0; i < 20; i++)
      await login(target.email, `spray-more-${i}`, '203.0.113.100').expect(429);
    const { rows } = await stack.db.query(
      `SELECT action, count(*)::int AS n FROM audit_log WHERE actor_label = $1 GROUP BY action ORDER BY action`,
      [target.email],
    );
    expect(rows).toStrictEqual([
      { action: 'auth.login', n: 1 },
      { action: 'auth.login_failed', n: 5 },
      { action: 'auth.login_locked', n: 1 },
    ]);
  });
});
