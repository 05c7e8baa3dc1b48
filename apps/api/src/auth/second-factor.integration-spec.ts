import { Secret, TOTP } from 'otpauth';
import request from 'supertest';
import { startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Signed = Awaited<ReturnType<Stack['signIn']>>;

/** The code an authenticator app shows for this secret, `stepsAhead` time steps from now. */
const appCode = (secret: string, stepsAhead = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + stepsAhead * 30_000,
  });

describe('a second factor at sign-in (authenticator app and recovery codes)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack({
      INGEST_ENABLED: 'false',
      SECOND_FACTOR_REQUIRED_ROLES: 'admin',
    });
  });
  afterAll(() => stack?.stop());

  const login = (email: string, password: string, code?: string) =>
    request(stack.app.getHttpServer())
      .post('/api/auth/login')
      .send({ email, password, ...(code !== undefined && { code }) });

  /** Sets one up through the api as the dashboard does; answers its secret and recovery codes. */
  async function setUp(person: Signed) {
    const setup = await person.agent
      .post('/api/auth/second-factor/setup')
      .set('x-csrf-token', person.csrfToken)
      .expect(200);
    expect(setup.body.otpauthUrl).toBe(
      `otpauth://totp/Sieve:${encodeURIComponent(person.email)}?issuer=Sieve&secret=${setup.body.secret}&algorithm=SHA1&digits=6&period=30`,
    );
    expect(setup.body.qrCodeSvg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const enable = (code: string) =>
      person.agent
        .post('/api/auth/second-factor')
        .set('x-csrf-token', person.csrfToken)
        .send({ code });
    const wrong = await enable(
      String((Number(appCode(setup.body.secret)) + 1) % 1_000_000).padStart(6, '0'),
    ).expect(422);
    expect(wrong.body.details[0].field).toBe('code');
    const enabled = await enable(appCode(setup.body.secret)).expect(200);
    return {
      secret: setup.body.secret as string,
      recoveryCodes: enabled.body.recoveryCodes as string[],
    };
  }

  it('asks for a code once set up, takes each code once, and a recovery code in its place', async () => {
    const reviewer = await stack.signIn('reviewer');
    const { secret, recoveryCodes } = await setUp(reviewer);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const me = await reviewer.agent.get('/api/auth/me').expect(200);
    expect(me.body).toMatchObject({
      user: { secondFactorEnabled: true },
      mustSetUpSecondFactor: false,
      recoveryCodesLeft: 10,
    });
    // The secrets are stored, never answered.
    expect(JSON.stringify(me.body)).not.toContain(secret);

    const noCode = await login(reviewer.email, reviewer.password).expect(401);
    expect(noCode.body).toMatchObject({ code: 'second_factor_required' });
    expect(noCode.headers['set-cookie']).toBeUndefined();
    expect(
      (await login(reviewer.email, 'wrong password', appCode(secret, 1)).expect(401)).body.code,
    ).toBeUndefined();
    const wrongCode = await login(reviewer.email, reviewer.password, '123456').expect(401);
    expect(wrongCode.body).toMatchObject({ code: 'second_factor_wrong' });

    // The next step's code (the one set-up used this step's): good once, then spent.
    const next = appCode(secret, 1);
    await login(reviewer.email, reviewer.password, next).expect(200);
    await login(reviewer.email, reviewer.password, next).expect(401);

    // A recovery code, typed loosely, signs in once.
    const [first] = recoveryCodes;
    const recovered = request.agent(stack.app.getHttpServer());
    const viaRecovery = await recovered
      .post('/api/auth/login')
      .send({
        email: reviewer.email,
        password: reviewer.password,
        code: ` ${first.toUpperCase()} `,
      })
      .expect(200);
    await login(reviewer.email, reviewer.password, first).expect(401);
    expect(viaRecovery.body.recoveryCodesLeft).toBe(9);
    expect((await recovered.get('/api/auth/me').expect(200)).body.recoveryCodesLeft).toBe(9);
    const { rows } = await stack.db.query(
      `SELECT action, details FROM audit_log WHERE actor_id = $1
        AND action IN ('auth.login', 'auth.login_failed', 'user.second_factor_enabled') ORDER BY id`,
      [reviewer.userId],
    );
    expect(rows).toStrictEqual([
      { action: 'auth.login', details: null },
      { action: 'user.second_factor_enabled', details: null },
      { action: 'auth.login_failed', details: { failuresInWindow: 1 } },
      { action: 'auth.login_failed', details: { failuresInWindow: 2, secondFactor: true } },
      { action: 'auth.login', details: { secondFactor: 'app' } },
      { action: 'auth.login_failed', details: { failuresInWindow: 1, secondFactor: true } },
      { action: 'auth.login', details: { secondFactor: 'recovery_code' } },
      { action: 'auth.login_failed', details: { failuresInWindow: 1, secondFactor: true } },
    ]);

    // New recovery codes replace the old ones; turning it off takes the password.
    const renew = (password: string) =>
      reviewer.agent
        .post('/api/auth/second-factor/recovery-codes')
        .set('x-csrf-token', reviewer.csrfToken)
        .send({ password });
    expect((await renew('not my password').expect(422)).body.details[0].field).toBe('password');
    const renewed = (await renew(reviewer.password).expect(200)).body.recoveryCodes as string[];
    await login(reviewer.email, reviewer.password, recoveryCodes[1]).expect(401);
    await login(reviewer.email, reviewer.password, renewed[0]).expect(200);
    const disable = (password: string) =>
      reviewer.agent
        .post('/api/auth/second-factor/disable')
        .set('x-csrf-token', reviewer.csrfToken)
        .send({ password });
    await disable('not my password').expect(422);
    await disable(reviewer.password).expect(204);
    await login(reviewer.email, reviewer.password).expect(200);
  });

  it('holds a role that requires one at setting it up, and lets an admin remove a lost one', async () => {
    const admin = await stack.signIn('admin');
    const gated = await admin.agent.get('/api/users').expect(403);
    expect(gated.body).toMatchObject({ code: 'second_factor_setup_required' });
    expect((await admin.agent.get('/api/auth/me').expect(200)).body.mustSetUpSecondFactor).toBe(
      true,
    );
    const { secret } = await setUp(admin);
    await admin.agent.get('/api/users').expect(200);
    const off = await admin.agent
      .post('/api/auth/second-factor/disable')
      .set('x-csrf-token', admin.csrfToken)
      .send({ password: admin.password })
      .expect(409);
    expect(off.body).toMatchObject({ code: 'second_factor_required_by_role' });

    const reviewer = await stack.signIn('reviewer');
    await setUp(reviewer);
    const reset = (id: string) =>
      admin.agent.delete(`/api/users/${id}/second-factor`).set('x-csrf-token', admin.csrfToken);
    expect((await reset(admin.userId).expect(409)).body).toMatchObject({
      code: 'own_second_factor',
    });
    await reset('00000000-0000-4000-8000-000000000000').expect(404);
    await reset(reviewer.userId).expect(204);
    await reviewer.agent.get('/api/auth/me').expect(401);
    await login(reviewer.email, reviewer.password).expect(200);
    expect((await reset(reviewer.userId).expect(409)).body).toMatchObject({
      code: 'no_second_factor',
    });
    const { rows } = await stack.db.query(
      `SELECT actor_id, object_id FROM audit_log WHERE action = 'user.second_factor_reset'`,
    );
    expect(rows).toStrictEqual([{ actor_id: admin.userId, object_id: reviewer.userId }]);

    // The admin's own sign-in now takes a code, and a session without one answers the gate.
    await login(admin.email, admin.password).expect(401);
    const signedIn = await login(admin.email, admin.password, appCode(secret, 1)).expect(200);
    expect(signedIn.body.mustSetUpSecondFactor).toBe(false);
  });
});
