import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Secret, TOTP } from 'otpauth';
import request from 'supertest';
import { startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

const appCode = (secret: string, stepsAhead = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + stepsAhead * 30_000,
  });
const newKey = () => randomBytes(32).toString('base64');

describe('secrets sealed at rest (SECRETS_KEY)', () => {
  let stack: Stack;
  let server: Server;
  const received: { signature: string; timestamp: string; body: string }[] = [];
  let receiverUrl = '';

  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false' });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          signature: String(req.headers['sieve-webhook-signature']),
          timestamp: String(req.headers['sieve-webhook-timestamp']),
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await stack?.stop();
    server?.closeAllConnections();
    server?.close();
  });

  /** What the database holds: the reviewer's TOTP secret, then the endpoint's. */
  const stored = async () =>
    (
      await stack.db.query(
        `SELECT value FROM (SELECT 1 AS n, totp_secret AS value FROM users
                            WHERE totp_secret IS NOT NULL
                            UNION ALL SELECT 2, secret FROM webhook_endpoints) s ORDER BY n`,
      )
    ).rows.map((r: { value: string }) => r.value) as string[];

  it('keeps TOTP and webhook secrets sealed, and reseals them when the key is rotated', async () => {
    const reviewer = await stack.signIn('reviewer');
    const admin = await stack.signIn('admin');
    const setup = await reviewer.agent
      .post('/api/auth/second-factor/setup')
      .set('x-csrf-token', reviewer.csrfToken)
      .expect(200);
    const totpSecret: string = setup.body.secret;
    await reviewer.agent
      .post('/api/auth/second-factor')
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ code: appCode(totpSecret) })
      .expect(200);
    const endpoint = await admin.agent
      .post('/api/webhooks')
      .set('x-csrf-token', admin.csrfToken)
      .send({ name: 'platform', url: receiverUrl, kinds: ['reviewer'] })
      .expect(201);
    const webhookSecret: string = endpoint.body.secret;

    const first = await stored();
    expect(first).toHaveLength(2);
    for (const value of first) {
      expect(value).toMatch(/^sealed:v1:[0-9a-f]{8}:/);
      expect(value).not.toContain(totpSecret);
      expect(value).not.toContain(webhookSecret.replace(/^whsec_/, ''));
    }

    /** A sign-in with an app code, and a ping signed with the secret given at creation. */
    async function secretsWork(app: INestApplication) {
      // Each code is taken once (second-factor.integration-spec): let this one be taken again.
      await stack.db.query(`UPDATE users SET totp_last_step = NULL WHERE email = $1`, [
        reviewer.email,
      ]);
      await request(app.getHttpServer())
        .post('/api/auth/login')
        .send({
          email: reviewer.email,
          password: reviewer.password,
          code: appCode(totpSecret),
        })
        .expect(200);
      const agent = request.agent(app.getHttpServer());
      const session = await agent
        .post('/api/auth/login')
        .send({ email: admin.email, password: admin.password })
        .expect(200);
      const ping = await agent
        .post(`/api/webhooks/${endpoint.body.id}/ping`)
        .set('x-csrf-token', session.body.csrfToken)
        .expect(200);
      expect(ping.body).toMatchObject({ ok: true });
      const { signature, timestamp, body } = received[received.length - 1] ?? {};
      expect(signature).toBe(
        'v1=' + createHmac('sha256', webhookSecret).update(`${timestamp}.${body}`).digest('hex'),
      );
    }
    await secretsWork(stack.app);

    // Rotation: the new key with the old one as previous reseals everything at start.
    const rotated = newKey();
    const during = await stack.startAnotherApp({
      SECRETS_KEY: rotated,
      SECRETS_PREVIOUS_KEYS: stack.env['SECRETS_KEY'] ?? '',
    });
    const second = await stored();
    expect(second).toHaveLength(2);
    for (const [i, value] of second.entries()) {
      expect(value).toMatch(/^sealed:v1:[0-9a-f]{8}:/);
      expect(value.split(':')[2]).not.toBe(first[i]?.split(':')[2]);
    }
    await secretsWork(during);
    // Then the old key can go.
    const after = await stack.startAnotherApp({ SECRETS_KEY: rotated });
    await secretsWork(after);

    // A key that opens nothing (the current one left out by mistake): the api starts, changes
    // nothing stored, and the sign-in fails as an error of the server, not as a wrong code.
    const before = await stored();
    const wrong = await stack.startAnotherApp({ SECRETS_KEY: newKey() });
    expect(await stored()).toStrictEqual(before);
    await request(wrong.getHttpServer())
      .post('/api/auth/login')
      .send({ email: reviewer.email, password: reviewer.password, code: appCode(totpSecret, 1) })
      .expect(500);
  });

  it('seals at start what was stored before a key was set', async () => {
    const reviewer = await stack.signIn('reviewer');
    const plain = new Secret({ size: 20 }).base32;
    await stack.db.query(
      `UPDATE users SET totp_secret = $2, totp_enabled_at = now() WHERE email = $1`,
      [reviewer.email, plain],
    );
    const other = await stack.startAnotherApp();
    const { rows } = await stack.db.query(`SELECT totp_secret FROM users WHERE email = $1`, [
      reviewer.email,
    ]);
    expect(rows[0].totp_secret).toMatch(/^sealed:v1:/);
    await request(other.getHttpServer())
      .post('/api/auth/login')
      .send({ email: reviewer.email, password: reviewer.password, code: appCode(plain) })
      .expect(200);
  });
});
