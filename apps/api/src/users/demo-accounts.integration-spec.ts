import request from 'supertest';
import { startTestStack } from '../../test/test-stack';
import { hashPassword } from '../auth/passwords';

describe('demo accounts in production', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false', SIEVE_DEMO_USERS: 'true' });
  });
  afterAll(() => stack?.stop());

  const login = (app: typeof stack.app, email: string, password: string) =>
    request(app.getHttpServer()).post('/api/auth/login').send({ email, password });

  it('disables the ones that still have their published password when started with NODE_ENV=production', async () => {
    await login(stack.app, 'reviewer@sieve.local', 'reviewer-demo-password').expect(200);
    // Someone gave the demo viewer a password of their own: that account is theirs now.
    await stack.db.query(`UPDATE users SET password_hash = $1 WHERE email = 'viewer@sieve.local'`, [
      await hashPassword('a private password of 24 chars'),
    ]);

    const production = await stack.startAnotherApp({
      NODE_ENV: 'production',
      SIEVE_DEMO_USERS: 'false',
    });
    await login(production, 'reviewer@sieve.local', 'reviewer-demo-password').expect(401);
    await login(production, 'admin@sieve.local', 'admin-demo-password').expect(401);
    const { rows } = await stack.db.query(
      `SELECT email, disabled FROM users WHERE email LIKE '%@sieve.local' ORDER BY email`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.email, r.disabled]))).toStrictEqual({
      'admin@sieve.local': true,
      'policy@sieve.local': true,
      'reviewer@sieve.local': true,
      'viewer@sieve.local': false,
    });
    const audit = await stack.db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'user.disabled' AND actor_label = 'system'`,
    );
    expect(audit.rows[0].n).toBe(3);

    // Production closes what is open by default elsewhere: /metrics without its token, /api/docs.
    const scrape = await request(production.getHttpServer()).get('/metrics').expect(403);
    expect(scrape.body.message).toMatch(/set METRICS_TOKEN/);
    await request(production.getHttpServer()).get('/api/docs').expect(404);
    await request(production.getHttpServer()).get('/api/docs/openapi.json').expect(404);
    await request(stack.app.getHttpServer()).get('/metrics').expect(200);
  });
});
