import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNPREFIXED_ROUTES } from '../app.setup';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import request from 'supertest';
import { startTestStack } from '../../test/test-stack';
import { PUBLIC_KEY, ROLE_KEY } from './decorators';
import { ROLES, type Role } from './roles';
import { LOGIN_FAILED, LOGIN_LOCKED } from './auth.service';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * Who may call what. Written out by hand on purpose: changing a route's access rule must
 * change this table too, and a new route without a row fails the matrix test.
 */
const ACCESS: Record<string, Role | 'public'> = {
  'GET /api/health': 'public',
  'GET /api/health/live': 'public',
  'GET /api/health/ready': 'public',
  'GET /metrics': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'viewer',
  'GET /api/auth/me': 'viewer',
  'POST /api/auth/password': 'viewer',
  'PATCH /api/auth/preferences': 'viewer',
  'POST /api/auth/second-factor/setup': 'viewer',
  'POST /api/auth/second-factor': 'viewer',
  'POST /api/auth/second-factor/recovery-codes': 'viewer',
  'POST /api/auth/second-factor/disable': 'viewer',
  'GET /api/auth/sign-in-methods': 'public',
  'POST /api/auth/passkey/options': 'public',
  'POST /api/auth/passkey': 'public',
  'GET /api/auth/second-factor/security-keys': 'viewer',
  'POST /api/auth/second-factor/security-keys/options': 'viewer',
  'POST /api/auth/second-factor/security-keys': 'viewer',
  'DELETE /api/auth/second-factor/security-keys/:id': 'viewer',
  'GET /api/auth/sessions': 'viewer',
  'DELETE /api/auth/sessions': 'viewer',
  'DELETE /api/auth/sessions/:id': 'viewer',
  'GET /api/flags': 'viewer',
  'GET /api/flags/events': 'viewer',
  'GET /api/flags/counts': 'viewer',
  'GET /api/flags/:id': 'viewer',
  'GET /api/flags/:id/context': 'viewer',
  'POST /api/flags/:id/claim': 'reviewer',
  'DELETE /api/flags/:id/claim': 'reviewer',
  'POST /api/flags/:id/decision': 'reviewer',
  'POST /api/flags/:id/decision/undo': 'reviewer',
  'POST /api/flags/:id/notes': 'reviewer',
  'POST /api/flags/bulk-decision': 'reviewer',
  'POST /api/flags/next': 'reviewer',
  'POST /api/flags/:id/queue': 'reviewer',
  'POST /api/flags/:id/assignment': 'reviewer',
  'GET /api/queues': 'viewer',
  'GET /api/queues/:id/members': 'reviewer',
  'GET /api/queues/people': 'policy_admin',
  'POST /api/queues': 'policy_admin',
  'PATCH /api/queues/:id': 'policy_admin',
  'GET /api/routing': 'viewer',
  'GET /api/golden': 'policy_admin',
  'POST /api/golden': 'policy_admin',
  'DELETE /api/golden/:id': 'policy_admin',
  'POST /api/routing/preview': 'policy_admin',
  'POST /api/routing': 'policy_admin',
  'GET /api/flags/:id/explanation': 'viewer',
  'POST /api/flags/:id/explanation': 'reviewer',
  'GET /api/system': 'viewer',
  'GET /api/stats': 'viewer',
  'GET /api/policies': 'viewer',
  'GET /api/policies/:version': 'viewer',
  'GET /api/policies/backtest-data': 'policy_admin',
  'POST /api/policies/backtest/samples': 'policy_admin',
  'POST /api/policies/drafts': 'policy_admin',
  'PATCH /api/policies/drafts/:version': 'policy_admin',
  'DELETE /api/policies/drafts/:version': 'policy_admin',
  'POST /api/policies/drafts/:version/publish': 'policy_admin',
  'POST /api/policies/:version/custom-categories/:name/evaluations': 'policy_admin',
  'GET /api/policies/custom-categories/:name/evaluations': 'viewer',
  'GET /api/judging/status': 'viewer',
  'POST /api/policies/:version/rollback': 'policy_admin',
  'POST /api/policies/drafts/:version/shadow': 'policy_admin',
  'GET /api/policies/:version/shadow': 'viewer',
  'GET /api/users': 'admin',
  'POST /api/users': 'admin',
  'PATCH /api/users/:id': 'admin',
  'POST /api/users/:id/password': 'admin',
  'DELETE /api/users/:id/second-factor': 'admin',
  'GET /api/dead-letters': 'admin',
  'POST /api/dead-letters/replay': 'admin',
  'GET /api/tokens': 'admin',
  'POST /api/tokens': 'admin',
  'DELETE /api/tokens/:id': 'admin',
  'GET /api/audit': 'admin',
  'GET /api/webhooks': 'admin',
  'POST /api/webhooks': 'admin',
  'GET /api/webhooks/:id': 'admin',
  'PATCH /api/webhooks/:id': 'admin',
  'DELETE /api/webhooks/:id': 'admin',
  'GET /api/webhooks/:id/deliveries': 'admin',
  'POST /api/webhooks/:id/deliveries/:deliveryId/redeliver': 'admin',
  'POST /api/webhooks/:id/redeliver-failed': 'admin',
  'POST /api/webhooks/:id/ping': 'admin',
  'POST /api/appeals': 'reviewer',
  'GET /api/appeals': 'viewer',
  'GET /api/appeals/counts': 'viewer',
  'GET /api/appeals/:id': 'viewer',
  'POST /api/appeals/:id/decision': 'reviewer',
  'GET /api/statements': 'viewer',
  'GET /api/statements/backlog': 'viewer',
  'GET /api/statements/export': 'policy_admin',
  'PATCH /api/statements/:id': 'reviewer',
  'POST /api/statements/:id/finalize': 'reviewer',
  'GET /api/authors/repeat-offenders': 'viewer',
  'GET /api/authors/strikes': 'viewer',
  'POST /api/authors/erasures': 'admin',
  'GET /api/authors/erasures': 'admin',
  'GET /api/authors/erasures/preview': 'admin',
  'GET /api/authors/erasures/:id': 'admin',
  'GET /api/retention': 'admin',
  'POST /api/retention/dry-run': 'admin',
  'GET /api/waves': 'viewer',
  'GET /api/waves/similar': 'viewer',
  'GET /api/waves/:id': 'viewer',
  'POST /api/waves/:id/decision': 'reviewer',
  'POST /api/waves/:id/members/:flagId/exclusion': 'reviewer',
  'GET /api/reports/transparency': 'viewer',
};

function discoverRoutes(
  stack: Stack,
): { route: string; isPublic: boolean; role: Role | undefined }[] {
  const modules = stack.app.get(ModulesContainer);
  const scanner = new MetadataScanner();
  const reflector = stack.app.get(Reflector);
  const routes: { route: string; isPublic: boolean; role: Role | undefined }[] = [];
  const controllers = [...modules.values()].flatMap((m) => [...m.controllers.values()]);
  for (const wrapper of controllers) {
    const instance = wrapper.instance as object;
    const controllerPath = String(
      Reflect.getMetadata(PATH_METADATA, wrapper.metatype as object) ?? '',
    );
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, unknown>)[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const prefix = UNPREFIXED_ROUTES.includes(controllerPath) ? '' : '/api';
      const full =
        `${prefix}/${[controllerPath, path].filter((p) => p && p !== '/').join('/')}`.replace(
          /\/+/g,
          '/',
        );
      routes.push({
        route: `${method} ${full}`,
        isPublic: !!reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [
          handler as never,
          wrapper.metatype as never,
        ]),
        role: reflector.getAllAndOverride<Role>(ROLE_KEY, [
          handler as never,
          wrapper.metatype as never,
        ]),
      });
    }
  }
  return routes;
}

async function streamStatus(
  stack: Stack,
  path: string,
  cookie: string | undefined,
): Promise<number> {
  const server = stack.app.getHttpServer() as import('node:http').Server;
  if (!server.listening)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: cookie ? { cookie } : {},
    signal: controller.signal,
  });
  controller.abort();
  return response.status;
}

const SAMPLE_BODIES: Record<string, object> = {
  'PATCH /api/auth/preferences': { blurSensitive: true },
  'POST /api/auth/login': { email: 'nobody@test.local', password: 'x' },
  'POST /api/auth/password': {
    currentPassword: 'wrong',
    newPassword: 'a-new-password-long-enough',
  },
  'POST /api/users': { email: 'x', displayName: '', role: 'nope', password: 'short' },
  'PATCH /api/users/:id': { role: 'viewer' },
  'POST /api/users/:id/password': { password: 'short' },
  'POST /api/auth/second-factor': { code: '000000' },
  'POST /api/auth/second-factor/recovery-codes': { password: 'wrong' },
  'POST /api/auth/second-factor/disable': { password: 'wrong' },
  'POST /api/auth/second-factor/security-keys': { name: 'Key', credential: {} },
  'POST /api/auth/passkey': { credential: {} },
  'POST /api/dead-letters/replay': { reasons: ['text_too_large'], dryRun: true },
  'POST /api/tokens': { name: '', role: 'nope' },
  'POST /api/flags/:id/decision': { action: 'approve', reason: 'Not harmful' },
  'POST /api/flags/:id/notes': { text: 'a note' },
  'POST /api/flags/bulk-decision': {
    ids: ['00000000-0000-4000-8000-000000000000'],
    action: 'approve',
    reason: 'Not harmful',
  },
};

describe('accounts, roles and the audit trail', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack({ INGEST_ENABLED: 'false' });
  });
  afterAll(() => stack?.stop());

  it('every route declares an access rule, and the table above lists exactly the routes that exist', () => {
    const routes = discoverRoutes(stack);
    for (const r of routes)
      expect({ route: r.route, declared: r.isPublic || r.role !== undefined }).toStrictEqual({
        route: r.route,
        declared: true,
      });
    expect(routes.map((r) => r.route).sort()).toStrictEqual(Object.keys(ACCESS).sort());
    for (const r of routes)
      expect({ route: r.route, rule: r.isPublic ? 'public' : r.role }).toStrictEqual({
        route: r.route,
        rule: ACCESS[r.route],
      });
  });

  it('walks the role × route matrix: 401 signed out, 403 below the role, allowed at or above it', async () => {
    const principals = await Promise.all(ROLES.map((role) => stack.signIn(role)));
    const anonymous = request.agent(stack.app.getHttpServer());
    const cells: string[] = [];
    for (const [route, rule] of Object.entries(ACCESS)) {
      if (route === 'POST /api/auth/logout') continue; // signs the caller out; covered below
      const [method, template] = route.split(' ');
      const path = template.replace(':id', '00000000-0000-4000-8000-000000000000');
      const callers: [string, ReturnType<typeof request.agent>, string | null][] = [
        ['anonymous', anonymous, null],
        ...principals.map((p, i): [string, ReturnType<typeof request.agent>, string] => [
          ROLES[i],
          p.agent,
          p.csrfToken,
        ]),
      ];
      for (const [who, agent, csrf] of callers) {
        if (route === 'GET /api/flags/events') {
          // A server-sent-event stream never ends: read its status, then hang up.
          const cookie = principals[ROLES.indexOf(who as Role)]?.cookie;
          const status = await streamStatus(stack, path, cookie);
          const expected =
            who === 'anonymous'
              ? 401
              : ROLES.indexOf(who as Role) >= ROLES.indexOf(rule as Role)
                ? 200
                : 403;
          cells.push(
            `${route} as ${who}: ${status === expected ? 'ok' : `expected ${expected}, got ${status}`}`,
          );
          continue;
        }
        let call = agent[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path);
        if (csrf) call = call.set('x-csrf-token', csrf);
        if (SAMPLE_BODIES[route]) call = call.send(SAMPLE_BODIES[route]);
        const status = (await call).status;
        let expected: string;
        if (rule === 'public') expected = 'allowed';
        else if (who === 'anonymous') expected = '401';
        else expected = ROLES.indexOf(who as Role) >= ROLES.indexOf(rule) ? 'allowed' : '403';
        const actual = status === 401 ? '401' : status === 403 ? '403' : 'allowed';
        // A 401 from the login route is a wrong password, not a refusal.
        const wrongPassword =
          route === 'POST /api/auth/login' ||
          (route === 'POST /api/auth/password' && who !== 'anonymous');
        const normalised = wrongPassword && actual === '401' ? 'allowed' : actual;
        cells.push(
          `${route} as ${who}: ${normalised === expected ? 'ok' : `expected ${expected}, got ${status}`}`,
        );
      }
    }
    expect(cells.filter((c) => !c.endsWith(': ok'))).toStrictEqual([]);
    expect(cells).toHaveLength((Object.keys(ACCESS).length - 1) * 5);
  });

  it('signs in with an httpOnly, SameSite=Strict session cookie and signs out for good', async () => {
    const { agent, email, password } = await stack.signIn('reviewer');
    const fresh = request.agent(stack.app.getHttpServer());
    const login = await fresh.post('/api/auth/login').send({ email, password }).expect(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/sieve_session=[\w-]{40,}/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api/);
    expect(login.body.user).toMatchObject({ email, role: 'reviewer' });
    expect(login.body.user).not.toHaveProperty('passwordHash');

    await fresh.get('/api/auth/me').expect(200);
    await fresh.post('/api/auth/logout').set('x-csrf-token', login.body.csrfToken).expect(204);
    await fresh.get('/api/auth/me').expect(401);
    // The other session of the same user is untouched.
    await agent.get('/api/auth/me').expect(200);
  });

  it('answers a wrong password and an unknown account identically', async () => {
    const { email } = await stack.signIn('viewer');
    const http = request(stack.app.getHttpServer());
    const wrong = await http
      .post('/api/auth/login')
      .send({ email, password: 'not-the-password' })
      .expect(401);
    const unknown = await http
      .post('/api/auth/login')
      .send({ email: 'ghost@test.local', password: 'whatever' })
      .expect(401);
    expect(wrong.body).toStrictEqual(unknown.body);
    expect(wrong.body.message).toBe(LOGIN_FAILED);
  });

  it('takes JSON bodies only (no login from a cross-site form), and answers are never cached', async () => {
    const user = await stack.signIn('viewer');
    const http = request(stack.app.getHttpServer());
    for (const type of ['form', 'text'] as const) {
      const form = await http
        .post('/api/auth/login')
        .type(type)
        .send(type === 'form' ? { email: user.email, password: user.password } : 'x')
        .expect(415);
      expect(form.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
      expect(form.headers['set-cookie']).toBeUndefined();
    }
    const me = await user.agent.get('/api/auth/me').expect(200);
    expect(me.headers['cache-control']).toBe('no-store');
  });

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const admin = await stack.signIn('admin');
    const body = {
      email: 'csrf@test.local',
      displayName: 'C',
      role: 'viewer',
      password: 'long-enough-password',
    };
    const refused = await admin.agent.post('/api/users').send(body).expect(403);
    expect(refused.body.message).toMatch(/CSRF/);
    await admin.agent.post('/api/users').set('x-csrf-token', 'forged').send(body).expect(403);
    await admin.agent
      .post('/api/users')
      .set('x-csrf-token', admin.csrfToken)
      .send(body)
      .expect(201);
  });

  it('expires sessions, and ends them when the password changes or the user is disabled', async () => {
    const user = await stack.signIn('reviewer');
    const second = request.agent(stack.app.getHttpServer());
    await second
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);

    await user.agent
      .post('/api/auth/password')
      .set('x-csrf-token', user.csrfToken)
      .send({ currentPassword: 'wrong', newPassword: 'another-long-password' })
      .expect(401);
    await user.agent
      .post('/api/auth/password')
      .set('x-csrf-token', user.csrfToken)
      .send({ currentPassword: user.password, newPassword: 'another-long-password' })
      .expect(204);
    await user.agent.get('/api/auth/me').expect(200);
    await second.get('/api/auth/me').expect(401);
    const http = request(stack.app.getHttpServer());
    await http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(401);
    await http
      .post('/api/auth/login')
      .send({ email: user.email, password: 'another-long-password' })
      .expect(200);

    await stack.db.query(
      `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [user.userId],
    );
    await user.agent.get('/api/auth/me').expect(401);

    const target = await stack.signIn('viewer');
    const admin = await stack.signIn('admin');
    await admin.agent
      .patch(`/api/users/${target.userId}`)
      .set('x-csrf-token', admin.csrfToken)
      .send({ disabled: true })
      .expect(200);
    await target.agent.get('/api/auth/me').expect(401);
    await http
      .post('/api/auth/login')
      .send({ email: target.email, password: target.password })
      .expect(401);
  });

  it('lets an admin set a new password for someone who lost theirs, ending their sessions, then makes them choose their own', async () => {
    const user = await stack.signIn('policy_admin');
    const admin = await stack.signIn('admin');
    const reset = (id: string, password: string) =>
      admin.agent
        .post(`/api/users/${id}/password`)
        .set('x-csrf-token', admin.csrfToken)
        .send({ password });
    const weak = await reset(user.userId, 'password1234');
    expect(weak.status).toBe(422);
    expect(weak.body.details).toStrictEqual([{ field: 'password', errors: [expect.any(String)] }]);
    // An admin's own password needs the current one: the account page, not this route.
    const own = await reset(admin.userId, 'a-brand-new-passphrase');
    expect(own.status).toBe(409);
    expect(own.body).toMatchObject({ code: 'own_password' });
    expect(
      (await reset('00000000-0000-4000-8000-000000000000', 'a-brand-new-passphrase')).status,
    ).toBe(404);

    await reset(user.userId, 'a-brand-new-passphrase').expect(204);
    await user.agent.get('/api/auth/me').expect(401);
    const http = request(stack.app.getHttpServer());
    await http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(401);
    const signedIn = request.agent(stack.app.getHttpServer());
    const login = await signedIn
      .post('/api/auth/login')
      .send({ email: user.email, password: 'a-brand-new-passphrase' })
      .expect(200);
    expect(login.body.user.mustChangePassword).toBe(true);
    const [entry] = (
      await stack.db.query(
        `SELECT actor_id, object_id, before, after, details FROM audit_log
         WHERE action = 'user.password_reset' ORDER BY id DESC LIMIT 1`,
      )
    ).rows;
    expect(entry).toStrictEqual({
      actor_id: admin.userId,
      object_id: user.userId,
      before: null,
      after: null,
      details: { mustChangePassword: true },
    });

    // The admin knows that password: until its owner chooses their own, they can do only that.
    const csrf = login.body.csrfToken as string;
    const refused = await signedIn.get('/api/flags').expect(403);
    expect(refused.body).toMatchObject({ code: 'password_change_required' });
    await signedIn
      .patch('/api/auth/preferences')
      .set('x-csrf-token', csrf)
      .send({ blurSensitive: false })
      .expect(403);
    expect((await signedIn.get('/api/auth/me').expect(200)).body.user.mustChangePassword).toBe(
      true,
    );
    const choose = (currentPassword: string, newPassword: string) =>
      signedIn
        .post('/api/auth/password')
        .set('x-csrf-token', csrf)
        .send({ currentPassword, newPassword });
    const same = await choose('a-brand-new-passphrase', 'a-brand-new-passphrase').expect(422);
    expect(same.body.details).toStrictEqual([
      { field: 'newPassword', errors: ['The new password must differ from the current one'] },
    ]);
    await choose('a-brand-new-passphrase', 'only-the-owner-knows-this-one').expect(204);
    await signedIn.get('/api/flags').expect(200);
    expect((await signedIn.get('/api/auth/me').expect(200)).body.user.mustChangePassword).toBe(
      false,
    );

    // An admin may also hand over a password to keep (e.g. one sent through a password manager).
    await admin.agent
      .post(`/api/users/${user.userId}/password`)
      .set('x-csrf-token', admin.csrfToken)
      .send({ password: 'a-shared-vault-passphrase', mustChangePassword: false })
      .expect(204);
    const kept = await http
      .post('/api/auth/login')
      .send({ email: user.email, password: 'a-shared-vault-passphrase' })
      .expect(200);
    expect(kept.body.user.mustChangePassword).toBe(false);

    // The users list says when each last signed in: just now for this one, never for a new one.
    const never = await admin.agent
      .post('/api/users')
      .set('x-csrf-token', admin.csrfToken)
      .send({
        email: `never-${user.userId.slice(0, 8)}@test.local`,
        displayName: 'Never Signed In',
        role: 'viewer',
        password: 'a-first-long-passphrase',
      })
      .expect(201);
    const listed = (await admin.agent.get('/api/users').expect(200)).body as {
      id: string;
      lastSignInAt: string | null;
      mustChangePassword: boolean;
    }[];
    const listedUser = (id: string) => listed.find((u) => u.id === id);
    expect(Date.now() - Date.parse(listedUser(user.userId)?.lastSignInAt ?? '')).toBeLessThan(
      60_000,
    );
    expect(listedUser(never.body.id)?.lastSignInAt).toBeNull();
    // A new account's password was chosen by the admin, so its owner must choose their own.
    expect(listedUser(never.body.id)?.mustChangePassword).toBe(true);
  });

  it('lists where someone is signed in, and ends one session or every other', async () => {
    const first = await stack.signIn('reviewer');
    const http = stack.app.getHttpServer();
    const signInAgain = async (userAgent: string) => {
      const agent = request.agent(http);
      const login = await agent
        .post('/api/auth/login')
        .set('user-agent', userAgent)
        .send({ email: first.email, password: first.password })
        .expect(200);
      return { agent, csrfToken: login.body.csrfToken as string };
    };
    const phone = await signInAgain('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)');
    const laptop = await signInAgain('Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0');
    type Listed = { id: string; userAgent: string | null; current: boolean; ip: string | null };
    const listed = (await phone.agent.get('/api/auth/sessions').expect(200)).body as Listed[];
    expect(listed).toHaveLength(3);
    expect(listed.filter((s) => s.current).map((s) => s.userAgent)).toStrictEqual([
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)',
    ]);
    // Nobody else's sessions, and nothing that would let one be used (no token or CSRF token).
    expect(Object.keys(listed[0]).sort()).toStrictEqual(
      ['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'userAgent'].sort(),
    );
    const other = await stack.signIn('reviewer');
    const laptopId = listed.find((s) => s.userAgent?.includes('Firefox'))?.id ?? '';
    await other.agent
      .delete(`/api/auth/sessions/${laptopId}`)
      .set('x-csrf-token', other.csrfToken)
      .expect(404);
    await phone.agent
      .delete(`/api/auth/sessions/${laptopId}`)
      .set('x-csrf-token', phone.csrfToken)
      .expect(204);
    await laptop.agent.get('/api/auth/me').expect(401);
    await first.agent.get('/api/auth/me').expect(200);

    const ended = await phone.agent
      .delete('/api/auth/sessions')
      .set('x-csrf-token', phone.csrfToken)
      .expect(200);
    expect(ended.body).toStrictEqual({ ended: 1 });
    await first.agent.get('/api/auth/me').expect(401);
    await phone.agent.get('/api/auth/me').expect(200);
    const { rows } = await stack.db.query(
      `SELECT action, details FROM audit_log
        WHERE actor_id = $1 AND action IN ('auth.session_ended', 'auth.sessions_ended') ORDER BY id`,
      [first.userId],
    );
    expect(rows).toStrictEqual([
      { action: 'auth.session_ended', details: { session: laptopId } },
      { action: 'auth.sessions_ended', details: { ended: 1 } },
    ]);
  });

  it('gives privileged roles a 30-minute idle timeout, and renews the cookie as the session slides', async () => {
    const idleMinutes = async (userId: string) =>
      Number(
        (
          await stack.db.query(
            `SELECT round(extract(epoch FROM expires_at - now()) / 60) AS m FROM sessions WHERE user_id = $1`,
            [userId],
          )
        ).rows[0].m,
      );
    const reviewer = await stack.signIn('reviewer');
    const admin = await stack.signIn('admin');
    const policyAdmin = await stack.signIn('policy_admin');
    expect(await idleMinutes(reviewer.userId)).toBe(120);
    expect(await idleMinutes(admin.userId)).toBe(30);
    expect(await idleMinutes(policyAdmin.userId)).toBe(30);

    // Two minutes later (as far as the session knows), a request slides the expiry and the
    // browser gets the cookie again with the new expiry.
    await stack.db.query(
      `UPDATE sessions SET last_seen_at = now() - interval '2 minutes',
                           expires_at = now() + interval '28 minutes' WHERE user_id = $1`,
      [admin.userId],
    );
    const renewed = await admin.agent.get('/api/auth/me').expect(200);
    const cookie = String(renewed.headers['set-cookie']);
    expect(cookie).toMatch(/^sieve_session=.*HttpOnly.*SameSite=Strict/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)?.[1] ?? '');
    expect(expires - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(await idleMinutes(admin.userId)).toBe(30);
    // Within the minute, nothing is written and no cookie is sent.
    const quiet = await admin.agent.get('/api/auth/me').expect(200);
    expect(quiet.headers['set-cookie']).toBeUndefined();
  });

  it('limits each client address per route and minute, but never health probes', async () => {
    const limited = request(
      (await stack.startAnotherApp({ RATE_LIMIT_PER_MINUTE: '3' })).getHttpServer(),
    );
    for (let i = 0; i < 3; i++) await limited.get('/api/auth/me').expect(401);
    const refused = await limited.get('/api/auth/me').expect(429);
    expect(refused.body).toMatchObject({ statusCode: 429 });
    // Another route has its own count; probes are never limited.
    await limited.get('/api/system').expect(401);
    for (let i = 0; i < 5; i++) await limited.get('/api/health/live').expect(200);
  });

  it('refuses common and easily guessed passwords, saying why', async () => {
    const admin = await stack.signIn('admin');
    const weak = await admin.agent
      .post('/api/users')
      .set('x-csrf-token', admin.csrfToken)
      .send({
        email: 'weak@x.test',
        displayName: 'Weak',
        role: 'viewer',
        password: 'password123456',
      })
      .expect(422);
    expect(weak.body.details).toStrictEqual([
      { field: 'password', errors: [expect.stringMatching(/too easy to guess/)] },
    ]);
    const own = await admin.agent
      .post('/api/auth/password')
      .set('x-csrf-token', admin.csrfToken)
      .send({ currentPassword: admin.password, newPassword: 'qwertyuiop123' })
      .expect(422);
    expect(own.body.details[0].field).toBe('newPassword');
    await admin.agent
      .post('/api/users')
      .set('x-csrf-token', admin.csrfToken)
      .send({
        email: 'strong@x.test',
        displayName: 'Strong',
        role: 'viewer',
        password: 'violet tram under the quiet harbour',
      })
      .expect(201);
  });

  it('keeps at least one active admin', async () => {
    const admin = await stack.signIn('admin');
    const [{ n }] = (
      await stack.db.query(
        `SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND NOT disabled`,
      )
    ).rows;
    // Demote every other admin first, then the last one cannot step down.
    const others = (
      await stack.db.query(
        `SELECT id FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1`,
        [admin.userId],
      )
    ).rows;
    expect(others.length).toBe(n - 1);
    for (const { id } of others) {
      await admin.agent
        .patch(`/api/users/${id}`)
        .set('x-csrf-token', admin.csrfToken)
        .send({ role: 'viewer' })
        .expect(200);
    }
    const refused = await admin.agent
      .patch(`/api/users/${admin.userId}`)
      .set('x-csrf-token', admin.csrfToken)
      .send({ role: 'viewer' })
      .expect(409);
    expect(refused.body.message).toMatch(/last active admin/);
  });

  it('API tokens are scoped to a role, stored hashed, and stop working when revoked', async () => {
    const admin = await stack.signIn('admin');
    const created = await admin.agent
      .post('/api/tokens')
      .set('x-csrf-token', admin.csrfToken)
      .send({ name: 'platform-x', role: 'viewer' })
      .expect(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^sieve_/);
    const stored = (
      await stack.db.query(`SELECT encode(token_hash, 'hex') AS h FROM api_tokens WHERE id = $1`, [
        created.body.id,
      ])
    ).rows[0].h;
    expect(stored).not.toContain(token);
    expect((await admin.agent.get('/api/tokens').expect(200)).body[0]).not.toHaveProperty('token');

    const http = request(stack.app.getHttpServer());
    const allowed = await http.get('/api/flags').set('authorization', `Bearer ${token}`);
    expect(allowed.status).toBe(200);
    await http.get('/api/users').set('authorization', `Bearer ${token}`).expect(403);
    await http.get('/api/flags').set('authorization', 'Bearer sieve_not-a-real-token').expect(401);
    await admin.agent
      .delete(`/api/tokens/${created.body.id}`)
      .set('x-csrf-token', admin.csrfToken)
      .expect(204);
    await http.get('/api/flags').set('authorization', `Bearer ${token}`).expect(401);
  });

  it('records an append-only audit trail that admins can filter and page', async () => {
    const admin = await stack.signIn('admin');
    const http = request(stack.app.getHttpServer());
    await http.post('/api/auth/login').send({ email: admin.email, password: 'nope' }).expect(401);
    await admin.agent
      .post('/api/users')
      .set('x-csrf-token', admin.csrfToken)
      .send({
        email: 'audited@test.local',
        displayName: 'A',
        role: 'viewer',
        password: 'long-enough-password',
      })
      .expect(201);

    const failures = await admin.agent.get(`/api/audit?action=auth.login_failed`).expect(200);
    expect(failures.body.items[0]).toMatchObject({
      action: 'auth.login_failed',
      actorLabel: admin.email,
      ip: expect.any(String),
    });
    const created = await admin.agent.get('/api/audit?action=user.created&limit=1').expect(200);
    expect(created.body.items[0]).toMatchObject({
      actorLabel: admin.email,
      after: { email: 'audited@test.local', role: 'viewer' },
    });
    expect(created.body.nextCursor).toStrictEqual(expect.any(String));
    const next = await admin.agent
      .get(`/api/audit?action=user.created&limit=1&cursor=${created.body.nextCursor}`)
      .expect(200);
    expect(next.body.items[0].id).not.toBe(created.body.items[0].id);

    await expect(stack.db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(stack.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await admin.agent.delete('/api/audit').set('x-csrf-token', admin.csrfToken).expect(404);
  });

  it('sends hardening headers and refuses oversized bodies', async () => {
    const http = request(stack.app.getHttpServer());
    const health = await http.get('/api/health').expect(200);
    expect(health.headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['x-powered-by']).toBeUndefined();
    const huge = await http
      .post('/api/auth/login')
      .send({ email: 'a@b.c', password: 'x'.repeat(300 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ statusCode: 413 });
  });

  it('serves the checked-in OpenAPI document and a viewer allowed to run its own scripts', async () => {
    const http = request(stack.app.getHttpServer());
    const served = await http.get('/api/docs/openapi.json').expect(200);
    const checkedIn = JSON.parse(
      readFileSync(join(__dirname, '../../../../docs/openapi.json'), 'utf8'),
    );
    expect(served.body).toStrictEqual(checkedIn);
    const viewer = await http.get('/api/docs').expect(200);
    expect(viewer.headers['content-type']).toMatch(/text\/html/);
    expect(viewer.headers['content-security-policy']).toContain("script-src 'self'");
    expect(viewer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  // Last: these lock the test client's IP for the rest of the stack's life.
  it('locks an account after repeated failures, and an IP that sprays many accounts', async () => {
    const target = await stack.signIn('viewer');
    const http = request(stack.app.getHttpServer());
    for (let i = 0; i < 5; i++)
      await http
        .post('/api/auth/login')
        .send({ email: target.email, password: `wrong-${i}` })
        .expect(401);
    const locked = await http
      .post('/api/auth/login')
      .send({ email: target.email, password: target.password })
      .expect(429);
    expect(locked.body.message).toBe(LOGIN_LOCKED);
    // An unknown account locks the same way: the lock tells nothing about existence.
    for (let i = 0; i < 5; i++)
      await http.post('/api/auth/login').send({ email: 'ghost2@test.local', password: 'x' });
    expect(
      (await http.post('/api/auth/login').send({ email: 'ghost2@test.local', password: 'x' })).body,
    ).toStrictEqual(locked.body);

    // A spray: one IP trying many accounts. After 20 failures it is locked, even for a right password.
    for (let i = 0; i < 20; i++)
      await http.post('/api/auth/login').send({ email: `spray-${i}@test.local`, password: 'x' });
    expect(await stack.signIn('viewer').catch((e: Error) => e.message)).toMatch(/429/);
    const ipLock = await stack.db.query(
      `SELECT 1 FROM login_throttle WHERE key LIKE 'ip:%' AND locked_until > now()`,
    );
    expect(ipLock.rowCount).toBe(1);
  });
});
