import { Secret, TOTP } from 'otpauth';
import request from 'supertest';
import { SoftwareSecurityKey } from '../../test/software-security-key';
import { startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Signed = Awaited<ReturnType<Stack['signIn']>>;

const DASHBOARD = 'http://localhost:4200';

describe('security keys and passkeys (WebAuthn) as a second factor', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack({
      INGEST_ENABLED: 'false',
      WEBAUTHN_ORIGINS: DASHBOARD,
      // Every refused answer below is a failed sign-in; the lock-out is login-throttle's spec.
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '100',
      LOGIN_MAX_FAILURES_PER_IP: '1000',
    });
  });
  afterAll(() => stack?.stop());

  const login = (email: string, password: string, proof: object = {}) =>
    request(stack.app.getHttpServer())
      .post('/api/auth/login')
      .send({ email, password, ...proof });

  const write = (person: Signed, method: 'post' | 'delete', path: string) =>
    person.agent[method](`/api/auth/second-factor${path}`).set('x-csrf-token', person.csrfToken);

  async function setUpApp(person: Signed) {
    const setup = await write(person, 'post', '/setup').expect(200);
    const code = new TOTP({ secret: Secret.fromBase32(setup.body.secret) }).generate();
    await write(person, 'post', '').send({ code }).expect(200);
    return setup.body.secret as string;
  }

  async function addKey(person: Signed, key: SoftwareSecurityKey, status: number, name = 'Key') {
    const options = await write(person, 'post', '/security-keys/options').expect(200);
    return write(person, 'post', '/security-keys')
      .send({ name, credential: key.create(options.body) })
      .expect(status);
  }

  /** The password alone: the 401 hands out a challenge for the account's keys to sign. */
  async function challengeFor(person: Signed) {
    const asked = await login(person.email, person.password).expect(401);
    expect(asked.body).toMatchObject({
      code: 'second_factor_required',
      details: { securityKey: { rpId: 'localhost', userVerification: 'discouraged' } },
    });
    return asked.body.details.securityKey as { challenge: string; rpId: string };
  }

  it('adds a key once an app is set up, and signs in with it: each challenge once, on this site only', async () => {
    const reviewer = await stack.signIn('reviewer');
    const key = new SoftwareSecurityKey(DASHBOARD);
    const before = await write(reviewer, 'post', '/security-keys/options').expect(409);
    expect(before.body.code).toBe('no_second_factor');
    await setUpApp(reviewer);

    const options = await write(reviewer, 'post', '/security-keys/options').expect(200);
    expect(options.body).toMatchObject({
      rp: { id: 'localhost', name: 'Sieve' },
      user: { name: reviewer.email },
      attestation: 'none',
      excludeCredentials: [],
    });
    const credential = key.create(options.body);
    const added = await write(reviewer, 'post', '/security-keys')
      .send({ name: '  Blue key ', credential })
      .expect(201);
    expect(added.body).toMatchObject({ name: 'Blue key', lastUsedAt: null });
    // The challenge was good once; the same key again is refused before it is stored twice.
    const blank = await write(reviewer, 'post', '/security-keys')
      .send({ name: '   ', credential })
      .expect(400);
    expect(blank.body.details).toStrictEqual([
      { field: 'name', errors: ['name must not be blank'] },
    ]);
    const replayed = await write(reviewer, 'post', '/security-keys')
      .send({ name: 'Again', credential })
      .expect(422);
    expect(replayed.body.code).toBe('security_key_not_verified');
    const twice = await addKey(reviewer, key, 409);
    expect(twice.body.code).toBe('security_key_exists');
    const again = await write(reviewer, 'post', '/security-keys/options').expect(200);
    expect(again.body.excludeCredentials).toStrictEqual([
      { id: credential.id, type: 'public-key', transports: ['usb'] },
    ]);

    const challenge = await challengeFor(reviewer);
    expect(challenge).toMatchObject({
      allowCredentials: [{ id: credential.id, type: 'public-key', transports: ['usb'] }],
    });
    const answer = { securityKey: key.get(challenge) };
    const signedIn = await login(reviewer.email, reviewer.password, answer).expect(200);
    expect(signedIn.headers['set-cookie']).toBeDefined();
    // Seen once, the same signature is spent.
    const replay = await login(reviewer.email, reviewer.password, answer).expect(401);
    expect(replay.body.code).toBe('security_key_wrong');
    // Signed on another site (a phishing page relaying the challenge): refused.
    const relayed = await challengeFor(reviewer);
    key.origin = 'https://sieve-login.example';
    const phished = { securityKey: key.get(relayed) };
    key.origin = DASHBOARD;
    await login(reviewer.email, reviewer.password, phished).expect(401);
    // A key whose count goes back has been cloned.
    const forClone = await challengeFor(reviewer);
    const counted = key.counter;
    key.counter = 0;
    const fromClone = { securityKey: key.get(forClone) };
    key.counter = counted;
    await login(reviewer.email, reviewer.password, fromClone).expect(401);
    // Another account's challenge, or another account's key, is no good either.
    const viewer = await stack.signIn('viewer');
    await setUpApp(viewer);
    const othersKey = new SoftwareSecurityKey(DASHBOARD);
    await addKey(viewer, othersKey, 201);
    const viewersChallenge = await challengeFor(viewer);
    const mine = await challengeFor(reviewer);
    for (const securityKey of [key.get(viewersChallenge), othersKey.get(mine)])
      await login(reviewer.email, reviewer.password, { securityKey }).expect(401);
    await login(reviewer.email, reviewer.password, { securityKey: key.get(mine) }).expect(200);

    const { rows } = await stack.db.query(
      `SELECT action, details FROM audit_log WHERE actor_id = $1 AND action LIKE 'auth.login%'
        ORDER BY id`,
      [reviewer.userId],
    );
    expect(rows.map((row) => [row.action, row.details?.secondFactor])).toStrictEqual([
      ['auth.login', undefined],
      ['auth.login', 'security_key'],
      ...Array.from({ length: 5 }, () => ['auth.login_failed', true]),
      ['auth.login', 'security_key'],
    ]);
    const list = await reviewer.agent.get('/api/auth/second-factor/security-keys').expect(200);
    expect(list.body).toMatchObject({ available: true, keys: [{ name: 'Blue key' }] });
    expect(list.body.keys[0].lastUsedAt).not.toBeNull();
  });

  it('removes a key, and every key with the second factor', async () => {
    const policy = await stack.signIn('policy_admin');
    await setUpApp(policy);
    const [first, second] = [
      new SoftwareSecurityKey(DASHBOARD),
      new SoftwareSecurityKey(DASHBOARD),
    ];
    const added = await addKey(policy, first, 201, 'Desk key');
    await addKey(policy, second, 201, 'Spare key');
    await write(policy, 'delete', `/security-keys/${added.body.id}`).expect(204);
    await write(policy, 'delete', `/security-keys/${added.body.id}`).expect(404);
    const list = await policy.agent.get('/api/auth/second-factor/security-keys').expect(200);
    expect(list.body.keys.map((key: { name: string }) => key.name)).toStrictEqual(['Spare key']);

    await write(policy, 'post', '/disable').send({ password: policy.password }).expect(204);
    const after = await policy.agent.get('/api/auth/second-factor/security-keys').expect(200);
    expect(after.body.keys).toStrictEqual([]);
    await login(policy.email, policy.password).expect(200);
    const { rows } = await stack.db.query(
      `SELECT action, details FROM audit_log
        WHERE object_id = $1 AND action LIKE 'user.s%' ORDER BY id`,
      [policy.userId],
    );
    expect(
      rows.map((row) => [row.action, row.details?.name ?? row.details?.securityKeysRemoved]),
    ).toStrictEqual([
      ['user.second_factor_enabled', undefined],
      ['user.security_key_added', 'Desk key'],
      ['user.security_key_added', 'Spare key'],
      ['user.security_key_removed', 'Desk key'],
      ['user.second_factor_disabled', 1],
    ]);
  });

  it('refuses malformed answers at the edge, and keys where no dashboard address is set', async () => {
    const admin = await stack.signIn('admin');
    const badLogin = await login(admin.email, admin.password, {
      securityKey: { id: 'not base64!', rawId: 'x', type: 'password', response: {} },
    }).expect(400);
    expect(badLogin.body.details.map((d: { field: string }) => d.field)).toStrictEqual(
      expect.arrayContaining(['securityKey.id', 'securityKey.type']),
    );
    const other = await stack.startAnotherApp({ WEBAUTHN_ORIGINS: '' });
    const agent = request.agent(other.getHttpServer());
    const signedIn = await agent
      .post('/api/auth/login')
      .send({ email: admin.email, password: admin.password })
      .expect(200);
    const list = await agent.get('/api/auth/second-factor/security-keys').expect(200);
    expect(list.body).toStrictEqual({ available: false, keys: [] });
    const refused = await agent
      .post('/api/auth/second-factor/security-keys/options')
      .set('x-csrf-token', signedIn.body.csrfToken)
      .expect(409);
    expect(refused.body.code).toBe('security_keys_unavailable');
    const methods = await request(other.getHttpServer()).get('/api/auth/sign-in-methods');
    expect(methods.body).toStrictEqual({ password: true, passkey: false });
    const noPasskeys = await request(other.getHttpServer())
      .post('/api/auth/passkey/options')
      .expect(409);
    expect(noPasskeys.body.code).toBe('security_keys_unavailable');
  });

  it('signs in with a passkey alone: unlocked on the device, answering a passkey challenge, once', async () => {
    const admin = await stack.signIn('admin');
    await setUpApp(admin);
    const passkey = new SoftwareSecurityKey(DASHBOARD, true);
    await addKey(admin, passkey, 201, 'Laptop passkey');
    const http = () => request(stack.app.getHttpServer());
    const askPasskey = async () =>
      (await http().post('/api/auth/passkey/options').expect(200)).body as {
        challenge: string;
        rpId: string;
        userVerification: string;
        allowCredentials?: unknown[];
      };
    const methods = await http().get('/api/auth/sign-in-methods').expect(200);
    expect(methods.body).toStrictEqual({ password: true, passkey: true });
    const options = await askPasskey();
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    // Nobody has said who they are: the browser offers whichever passkey it holds.
    expect(options.allowCredentials ?? []).toStrictEqual([]);
    const answer = { credential: passkey.get(options) };
    const signedIn = await http().post('/api/auth/passkey').send(answer).expect(200);
    expect(signedIn.body).toMatchObject({ user: { email: admin.email } });
    expect(String(signedIn.headers['set-cookie'])).toMatch(/^sieve_session=/);
    const wrong = await http().post('/api/auth/passkey').send(answer).expect(401);
    expect(wrong.body.message).toBe(
      'That passkey did not sign you in: try again, or use your e-mail and password',
    );

    // A password sign-in's challenge is not a passkey's, and the key alone cannot answer it.
    const forPassword = await challengeFor(admin);
    await http()
      .post('/api/auth/passkey')
      .send({ credential: passkey.get({ ...forPassword, userVerification: 'required' }) })
      .expect(401);
    // A key that does not check who holds it (a plain USB key) is a second factor only.
    const usbKey = new SoftwareSecurityKey(DASHBOARD);
    await addKey(admin, usbKey, 201, 'USB key');
    await http()
      .post('/api/auth/passkey')
      .send({ credential: usbKey.get(await askPasskey()) })
      .expect(401);
    // A key no account has.
    const stranger = new SoftwareSecurityKey(DASHBOARD, true);
    stranger.create({ challenge: 'x', rp: { id: 'localhost' }, user: { id: 'eA' } });
    await http()
      .post('/api/auth/passkey')
      .send({ credential: stranger.get(await askPasskey()) })
      .expect(401);
    await http().post('/api/auth/passkey').send({ credential: {} }).expect(400);

    const { rows } = await stack.db.query(
      `SELECT action, details FROM audit_log WHERE actor_id = $1 AND action LIKE 'auth.login%'
        ORDER BY id DESC LIMIT 4`,
      [admin.userId],
    );
    expect(rows.map((row) => [row.action, row.details?.passkey])).toStrictEqual([
      ['auth.login_failed', true],
      ['auth.login_failed', true],
      ['auth.login_failed', true],
      ['auth.login', true],
    ]);
  });

  it('makes a role sign in with a key: added before anything else, then no app code, never the last one removed', async () => {
    const strict = await stack.startAnotherApp({
      WEBAUTHN_ORIGINS: DASHBOARD,
      SECURITY_KEY_REQUIRED_ROLES: 'policy_admin',
    });
    const http = () => request(strict.getHttpServer());
    const { email, password } = await stack.signIn('policy_admin');
    const agent = request.agent(strict.getHttpServer());
    const first = await agent.post('/api/auth/login').send({ email, password }).expect(200);
    const person: Signed = {
      agent,
      email,
      password,
      cookie: String(first.headers['set-cookie']).split(';')[0],
      csrfToken: first.body.csrfToken,
      userId: first.body.user.id,
    };
    // The app first (a key role needs a second factor), then a key; nothing else until then.
    expect(first.body).toMatchObject({ mustSetUpSecondFactor: true, mustAddSecurityKey: false });
    expect((await agent.get('/api/flags').expect(403)).body.code).toBe(
      'second_factor_setup_required',
    );
    const setup = await write(person, 'post', '/setup').expect(200);
    const app = new TOTP({ secret: Secret.fromBase32(setup.body.secret) });
    const enabled = await write(person, 'post', '').send({ code: app.generate() }).expect(200);
    const recoveryCodes = enabled.body.recoveryCodes as string[];
    expect((await agent.get('/api/auth/me').expect(200)).body).toMatchObject({
      mustSetUpSecondFactor: false,
      mustAddSecurityKey: true,
    });
    expect((await agent.get('/api/flags').expect(403)).body.code).toBe(
      'security_key_setup_required',
    );
    const key = new SoftwareSecurityKey(DASHBOARD);
    const added = await addKey(person, key, 201, 'Only key');
    expect((await agent.get('/api/auth/me').expect(200)).body.mustAddSecurityKey).toBe(false);
    await agent.get('/api/flags').expect(200);
    // Admins see who has keys: the Users page's count.
    const admin = await stack.signIn('admin');
    const users = (await admin.agent.get('/api/users').expect(200)).body as {
      email: string;
      securityKeys: number;
    }[];
    expect(users.find((u) => u.email === email)?.securityKeys).toBe(1);
    expect(users.find((u) => u.email === admin.email)?.securityKeys).toBe(0);

    // The last key stays; so does the second factor.
    const kept = await write(person, 'delete', `/security-keys/${added.body.id}`).expect(409);
    expect(kept.body.code).toBe('security_key_required_by_role');
    await write(person, 'delete', '/security-keys/00000000-0000-4000-8000-000000000000').expect(
      404,
    );
    const stays = await write(person, 'post', '/disable').send({ password }).expect(409);
    expect(stays.body.code).toBe('second_factor_required_by_role');

    // Sign-in: the key, or a recovery code; an app code (which a look-alike site can relay) not.
    const signIn = (proof: object = {}) =>
      http()
        .post('/api/auth/login')
        .send({ email, password, ...proof });
    const asked = await signIn().expect(401);
    expect(asked.body).toMatchObject({
      code: 'second_factor_required',
      message: 'Use your security key (lost it? enter one of your recovery codes)',
      details: { appCode: false, securityKey: { rpId: 'localhost' } },
    });
    const nextCode = app.generate({ timestamp: Date.now() + 30_000 });
    const refused = await signIn({ code: nextCode }).expect(401);
    expect(refused.body).toMatchObject({
      code: 'security_key_required',
      details: { appCode: false, securityKey: { rpId: 'localhost' } },
    });
    await signIn({ securityKey: key.get(refused.body.details.securityKey) }).expect(200);
    await signIn({ code: recoveryCodes[0] }).expect(200);
    // Where the role is not listed, the same account's app code still signs in.
    await login(email, password, { code: nextCode }).expect(200);
    const { rows } = await stack.db.query(
      `SELECT details FROM audit_log WHERE actor_id = $1 AND action = 'auth.login' ORDER BY id`,
      [person.userId],
    );
    expect(rows.map((row) => row.details?.secondFactor)).toStrictEqual([
      undefined, // made and signed in on the usual api
      undefined, // on this one, before a second factor was set up
      'security_key',
      'recovery_code',
      'app',
    ]);
    // No refused app code counted as a failed sign-in: the password was right, the code real.
    const failed = await stack.db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE actor_id = $1 AND action = 'auth.login_failed'`,
      [person.userId],
    );
    expect(failed.rows[0].n).toBe(0);
  });
});
