import request from 'supertest';
import { startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Signed = Awaited<ReturnType<Stack['signIn']>>;

const DAY_MS = 24 * 3600 * 1000;

describe('API token governance', () => {
  let stack: Stack;
  let admin: Signed;

  beforeAll(async () => {
    stack = await startTestStack({
      INGEST_ENABLED: 'false',
      API_TOKEN_DEFAULT_DAYS: '30',
      API_TOKEN_MAX_DAYS: '90',
    });
    admin = await stack.signIn('admin');
  });
  afterAll(() => stack?.stop());

  function mint(by: Signed, body: object) {
    return by.agent.post('/api/tokens').set('x-csrf-token', by.csrfToken).send(body);
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const http = () => request(stack.app.getHttpServer());

  it('lets a reviewer token claim, decide and annotate as its own service account', async () => {
    const minted = await mint(admin, { name: 'trust-bot', role: 'reviewer' }).expect(201);
    const token = minted.body.token as string;
    const flag = await stack.seedFlag();

    await http().post(`/api/flags/${flag.id}/claim`).set(bearer(token)).expect(201);
    const held = await http().get(`/api/flags/${flag.id}`).set(bearer(token)).expect(200);
    expect(held.body.claim).toMatchObject({ displayName: 'API token: trust-bot' });
    await http()
      .post(`/api/flags/${flag.id}/notes`)
      .set(bearer(token))
      .send({ text: 'matched a known scam template' })
      .expect(201);
    await http()
      .post(`/api/flags/${flag.id}/decision`)
      .set(bearer(token))
      .send({ action: 'remove', reason: 'Threat of violence' })
      .expect(201);

    const { rows } = await stack.db.query(
      `SELECT u.kind, u.display_name FROM flags f JOIN users u ON u.id = f.decided_by WHERE f.id = $1`,
      [flag.id],
    );
    expect(rows).toStrictEqual([{ kind: 'service', display_name: 'API token: trust-bot' }]);
    // The service account is no person: not listed among users, and it cannot sign in.
    const people = await admin.agent.get('/api/users').expect(200);
    expect(people.body.map((u: { displayName: string }) => u.displayName)).not.toContain(
      'API token: trust-bot',
    );
    await http()
      .post('/api/auth/login')
      .send({ email: `${minted.body.id}@tokens.sieve.invalid`, password: '!' })
      .expect(401);
  });

  it('keeps an admin token away from account administration', async () => {
    const token = (await mint(admin, { name: 'ops-admin', role: 'admin' }).expect(201)).body
      .token as string;
    await http().get('/api/flags').set(bearer(token)).expect(200);
    for (const [method, path, body] of [
      ['get', '/api/tokens', undefined],
      ['post', '/api/tokens', { name: 'child', role: 'admin' }],
      ['get', '/api/users', undefined],
      [
        'post',
        '/api/users',
        { email: 'minted@x.test', displayName: 'M', role: 'admin', password: 'a-long-password-1' },
      ],
      ['post', '/api/auth/password', { currentPassword: 'x', newPassword: 'y-long-password-2' }],
    ] as const) {
      const call = http()[method](path).set(bearer(token));
      const answer = await (body ? call.send(body) : call);
      expect({ path, method, status: answer.status }).toStrictEqual({ path, method, status: 403 });
      expect(answer.body.message).toMatch(/API tokens cannot manage/);
    }
  });

  it('gives every token an expiry: the default when none is asked for, never beyond the maximum', async () => {
    const before = Date.now();
    const plain = await mint(admin, { name: 'default-life', role: 'viewer' }).expect(201);
    const expires = Date.parse(plain.body.expiresAt as string);
    expect(expires - before).toBeGreaterThanOrEqual(30 * DAY_MS - 5000);
    expect(expires - before).toBeLessThanOrEqual(30 * DAY_MS + 5000);

    const tooLong = await mint(admin, {
      name: 'forever',
      role: 'viewer',
      expiresAt: new Date(Date.now() + 91 * DAY_MS).toISOString(),
    }).expect(422);
    expect(tooLong.body.details).toStrictEqual([
      { field: 'expiresAt', errors: [expect.stringMatching(/at most 90 days/)] },
    ]);
    await mint(admin, {
      name: 'past',
      role: 'viewer',
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    }).expect(422);

    // An expiry that passes ends the token.
    await stack.db.query(
      `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [plain.body.id],
    );
    await http().get('/api/flags').set(bearer(plain.body.token)).expect(401);
  });

  const backtestData = `/api/policies/backtest-data?from=${new Date(Date.now() - DAY_MS).toISOString()}&to=${new Date().toISOString()}`;

  it("stops a token while its creator is disabled, and caps it at the creator's current role", async () => {
    const creator = await stack.signIn('admin');
    const minted = await mint(creator, { name: 'creator-bound', role: 'policy_admin' }).expect(201);
    const token = minted.body.token as string;
    await http().get(backtestData).set(bearer(token)).expect(200);

    const setCreator = (changes: object) =>
      admin.agent
        .patch(`/api/users/${creator.userId}`)
        .set('x-csrf-token', admin.csrfToken)
        .send(changes)
        .expect(200);

    await setCreator({ role: 'reviewer' });
    await http().get(backtestData).set(bearer(token)).expect(403);
    await http().get('/api/flags').set(bearer(token)).expect(200);

    await setCreator({ disabled: true });
    await http().get('/api/flags').set(bearer(token)).expect(401);
    const listed = await admin.agent.get('/api/tokens').expect(200);
    expect(listed.body.find((t: { id: string }) => t.id === minted.body.id)).toMatchObject({
      suspended: 'creator_disabled',
      revokedAt: null,
    });

    await setCreator({ disabled: false, role: 'admin' });
    await http().get(backtestData).set(bearer(token)).expect(200);
  });
});
