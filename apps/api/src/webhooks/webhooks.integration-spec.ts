import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, startTestStack } from '../../test/test-stack';
import { StrikesService } from '../authors/strikes.service';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Signed = Awaited<ReturnType<Stack['signIn']>>;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A platform's receiver: records every request; answers with whatever `respond` says.
 */
async function startReceiver() {
  const received: Received[] = [];
  let respond: (r: Received) => { status: number; location?: string; body?: string } = () => ({
    status: 204,
  });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(r);
      const { status, location, body } = respond(r);
      if (status === 0) return; // never answer: a hung receiver
      res.writeHead(status, location ? { location } : {}).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer(fn: typeof respond) {
      respond = fn;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Verification as docs/webhooks.md tells a platform to do it, written from the documentation
 * with node:crypto only, not with Sieve's signing code.
 */
function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = String(headers['sieve-webhook-timestamp']);
  const signatures = String(headers['sieve-webhook-signature']).split(' ');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(
    'v1=' +
      createHmac('sha256', secret)
        .update(timestamp + '.' + body)
        .digest('hex'),
  );
  return signatures.some(
    (s) => s.length === expected.length && timingSafeEqual(Buffer.from(s), expected),
  );
}

describe('webhooks', () => {
  let stack: Stack;
  let admin: Signed;
  let reviewer: Signed;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    stack = await startTestStack({
      WEBHOOK_POLL_MS: '100',
      WEBHOOK_MAX_BACKOFF_MS: '1000',
      // Not the endpoint's: a refused message's retries follow their own cap.
      WEBHOOK_MESSAGE_MAX_BACKOFF_MS: '1500',
      WEBHOOK_DISABLE_AFTER_FAILURES: '3',
      WEBHOOK_TIMEOUT_MS: '1000',
    });
    admin = await stack.signIn('admin');
    reviewer = await stack.signIn('reviewer');
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });
  beforeEach(() => receiver.answer(() => ({ status: 204 })));

  const write = (method: 'post' | 'patch' | 'delete', path: string, body?: object) =>
    admin.agent[method](`/api${path}`).set('x-csrf-token', admin.csrfToken).send(body);

  async function createEndpoint(body: object) {
    const res = await write('post', '/webhooks', body).expect(201);
    return res.body as { id: string; secret: string };
  }

  async function decide(flagId: string, action = 'remove') {
    await reviewer.agent
      .post(`/api/flags/${flagId}/decision`)
      .set('x-csrf-token', reviewer.csrfToken)
      .send({ action, reason: action === 'remove' ? 'Threat of violence' : 'Not harmful' })
      .expect(201);
  }

  it('delivers reviewer and automatic decisions, signed so that an independent verifier accepts them', async () => {
    const path = '/all';
    const endpoint = await createEndpoint({
      name: 'platform',
      url: receiver.url + path,
      kinds: ['automatic', 'reviewer'],
      decisions: ['block', 'review'],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);

    const flag = await stack.seedFlag();
    await decide(flag.id);
    await stack.produce([
      {
        value: JSON.stringify({
          id: 'wh-auto-1',
          source: 'forum',
          authorId: 'a-1',
          text: 'I will kill you',
          createdAt: new Date().toISOString(),
        }),
      },
      {
        // allowed: not in this endpoint's decisions
        value: JSON.stringify({
          id: 'wh-auto-2',
          source: 'forum',
          authorId: 'a-2',
          text: 'what a lovely morning',
          createdAt: new Date().toISOString(),
        }),
      },
    ]);

    const mine = () => receiver.received.filter((r) => r.path === path);
    await eventually('both deliveries', async () => mine().length >= 2);
    const ofKind = (kind: string) => {
      const found = mine().find((r) => r.headers['sieve-webhook-kind'] === kind);
      if (!found) throw new Error(`no ${kind} message`);
      return found;
    };
    const reviewerMessage = ofKind('reviewer');
    const automaticMessage = ofKind('automatic');
    for (const r of [reviewerMessage, automaticMessage]) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(verify(endpoint.secret, r.headers, r.body)).toBe(true);
      expect(verify('whsec_wrong', r.headers, r.body)).toBe(false);
      expect(verify(endpoint.secret, r.headers, r.body + ' ')).toBe(false);
    }
    expect(JSON.parse(reviewerMessage.body)).toMatchObject({
      kind: 'reviewer',
      eventId: flag.eventId,
      action: 'remove',
      decision: 'block',
    });
    expect(JSON.parse(automaticMessage.body)).toMatchObject({
      kind: 'automatic',
      eventId: 'wh-auto-1',
      source: 'forum',
    });
    // The body on the webhook is the message on moderation.decisions, byte for byte.
    await eventually('the Kafka copy', async () =>
      stack.collected.decisions.some((m) => m.value === reviewerMessage.body),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(mine().map((r) => JSON.parse(r.body).eventId)).not.toContain('wh-auto-2');

    const log = await admin.agent.get(`/api/webhooks/${endpoint.id}/deliveries`).expect(200);
    expect(log.body.items).toHaveLength(2);
    expect(log.body.items[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 204,
    });

    // A redelivery carries the same message id, for the receiver to recognise it.
    const before = mine().length;
    await write(
      'post',
      `/webhooks/${endpoint.id}/deliveries/${log.body.items[0].id}/redeliver`,
    ).expect(202);
    await eventually('the redelivery', async () => mine().length > before);
    expect(mine()[mine().length - 1].headers['sieve-webhook-id']).toBe(log.body.items[0].messageId);
    await write('delete', `/webhooks/${endpoint.id}`).expect(204);
  });

  it('sends an erasure’s completion to endpoints of that kind, whatever their decisions filter', async () => {
    const path = '/erasures';
    const endpoint = await createEndpoint({
      name: 'erasures',
      url: receiver.url + path,
      kinds: ['erasure', 'erasure_completed'],
      decisions: ['block'],
    });
    const flag = await stack.seedFlag('I will kill you, says the author to be erased');
    await decide(flag.id);
    const [{ source, author_id }] = (
      await stack.db.query(
        `SELECT e.source, e.author_id FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
         WHERE f.id = $1`,
        [flag.id],
      )
    ).rows as { source: string; author_id: string }[];
    const erasure = await stack.eraseAuthor(source, author_id);

    const mine = () => receiver.received.filter((r) => r.path === path);
    const completion = await eventually('the completion', async () =>
      mine().find((r) => r.headers['sieve-webhook-kind'] === 'erasure_completed'),
    );
    expect(verify(endpoint.secret, completion.headers, completion.body)).toBe(true);
    expect(JSON.parse(completion.body)).toMatchObject({
      kind: 'erasure_completed',
      erasureId: erasure.id,
      authorId: author_id,
      eventsErased: erasure.eventsErased,
    });
    // The removed post's erasure message passes the filter (its decision is block).
    await eventually('the post’s erasure message', async () =>
      mine().some((r) => JSON.parse(r.body).eventId === flag.eventId),
    );
    await write('delete', `/webhooks/${endpoint.id}`).expect(204);
  });

  it('tells an endpoint that heard of a suspension when it is lifted, whatever its decisions filter', async () => {
    const path = '/accounts';
    await createEndpoint({
      name: 'suspensions',
      url: receiver.url + path,
      kinds: ['account'],
      decisions: ['block'],
    });
    const mine = () =>
      receiver.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body));
    const counted = (strikes: number) =>
      eventually(`${strikes} strikes`, async () => {
        await stack.app.get(StrikesService).recountDue();
        const [row] = (
          await stack.db.query(
            `SELECT strikes FROM author_strikes WHERE source = 'seed' AND author_id = 'wh-author'`,
          )
        ).rows as { strikes: number }[];
        return row?.strikes === strikes;
      });
    // Four removals of violent posts: 8 strikes, suspend (restrict on the way, filtered out).
    const flags = [];
    for (const n of [1, 2, 3, 4]) {
      const flag = await stack.seedFlag(`I will hurt you, ${n}`, 'review', 'default', 'wh-author');
      await decide(flag.id);
      flags.push(flag);
      await counted(2 * n);
    }
    const suspension = await eventually('the suspension', async () => mine()[0]);
    expect(suspension).toMatchObject({ recommendation: 'suspend', decision: 'block' });

    // The last removal undone: 6 strikes, restrict. Its decision is `review`, which the endpoint
    // does not filter for, but it lifts the suspension the endpoint acted on.
    await reviewer.agent
      .post(`/api/flags/${flags[3].id}/decision/undo`)
      .set('x-csrf-token', reviewer.csrfToken)
      .expect(200);
    await counted(6);
    const lifted = await eventually('the lift', async () => mine()[1]);
    expect(lifted).toMatchObject({
      kind: 'account',
      authorId: 'wh-author',
      recommendation: 'restrict',
      previousRecommendation: 'suspend',
      decision: 'review',
      strikes: 6,
      threshold: 8,
      eventId: flags[2].eventId,
    });
    expect(mine()).toHaveLength(2);
  });

  it('retries a failing receiver with a backoff, then disables the endpoint visibly, and sends everything once enabled', async () => {
    const path = '/flaky';
    receiver.answer((r) => ({ status: r.path === path ? 503 : 204 }));
    const endpoint = await createEndpoint({
      name: 'flaky platform',
      url: receiver.url + path,
      kinds: ['reviewer'],
    });
    const flags = await Promise.all([stack.seedFlag(), stack.seedFlag(), stack.seedFlag()]);
    for (const flag of flags) await decide(flag.id);

    const failing = await eventually('the endpoint failing', async () => {
      const res = await admin.agent.get(`/api/webhooks/${endpoint.id}`).expect(200);
      return res.body.state === 'failing' && res.body;
    });
    expect(failing.pending).toBe(3);
    const disabled = await eventually(
      'the endpoint disabled',
      async () => {
        const res = await admin.agent.get(`/api/webhooks/${endpoint.id}`).expect(200);
        return res.body.state === 'disabled' && res.body;
      },
      15_000,
    );
    expect(disabled.disabledReason).toMatch(/3 failed attempts in a row; the last: HTTP 503/);
    // A failing endpoint gets one probe at a time, not one request per queued delivery.
    expect(receiver.received.filter((r) => r.path === path)).toHaveLength(3);
    // While nothing gets through, a tried message waits the endpoint's cap, not a message's own.
    const log = await admin.agent.get(`/api/webhooks/${endpoint.id}/deliveries`).expect(200);
    const waits = (
      log.body.items as { attempts: number; lastAttemptAt: string; nextAttemptAt: string }[]
    )
      .filter((d) => d.attempts > 0)
      .map((d) => Date.parse(d.nextAttemptAt) - Date.parse(d.lastAttemptAt));
    expect(waits).toStrictEqual([1000, 1000, 1000]);

    // The count is every endpoint's: the earlier specs' endpoints may still be sending these
    // decisions on a slow machine, so wait for theirs to go out.
    const ready = await eventually('the other endpoints caught up', async () => {
      const res = await admin.agent.get('/api/health/ready').expect(200);
      return res.body.details.webhooks.pending === 3 && res;
    });
    expect(ready.body.details.webhooks).toMatchObject({ disabled: ['flaky platform'], pending: 3 });
    const metrics = await admin.agent.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/sieve_webhook_endpoints\{state="disabled"\} 1/);

    // The receiver is fixed; an admin enables the endpoint; every decision arrives, once each.
    receiver.answer(() => ({ status: 200 }));
    await write('patch', `/webhooks/${endpoint.id}`, { enabled: true }).expect(200);
    await eventually('all three delivered', async () => {
      const res = await admin.agent.get(`/api/webhooks/${endpoint.id}`).expect(200);
      return res.body.state === 'active' && res.body.pending === 0;
    });
    const ok = receiver.received.filter((r) => r.path === path).slice(3);
    expect(new Set(ok.map((r) => JSON.parse(r.body).eventId))).toStrictEqual(
      new Set(flags.map((f) => f.eventId)),
    );
    expect(ok).toHaveLength(3);
    const audit = await admin.agent.get('/api/audit?objectType=webhook').expect(200);
    expect(JSON.stringify(audit.body)).not.toContain(endpoint.secret);
    await write('delete', `/webhooks/${endpoint.id}`).expect(204);
  });

  it('retries a message the receiver refuses on its own, while the rest keep flowing', async () => {
    const path = '/picky';
    const flags = await Promise.all([stack.seedFlag(), stack.seedFlag(), stack.seedFlag()]);
    const refused = flags[0].eventId;
    receiver.answer((r) =>
      r.path === path && JSON.parse(r.body).eventId === refused
        ? { status: 422, body: '{\n  "error": "unsupported\u0000 event"\n}' }
        : { status: 204 },
    );
    const endpoint = await createEndpoint({
      name: 'picky platform',
      url: receiver.url + path,
      kinds: ['reviewer'],
    });
    for (const flag of flags) await decide(flag.id);

    const mine = () => receiver.received.filter((r) => r.path === path);
    const accepted = () =>
      new Set(mine().map((r) => JSON.parse(r.body).eventId as string)).size >= 3 &&
      mine().filter((r) => JSON.parse(r.body).eventId === refused).length >= 3;
    // The other two arrive, and the refused one is tried again and again meanwhile: more times
    // than it takes to disable an endpoint (3 here), which a refusal of one message must not do.
    await eventually('the others delivered and the refused one retried', async () => accepted());
    const log = await admin.agent.get(`/api/webhooks/${endpoint.id}/deliveries`).expect(200);
    const byEvent = new Map<
      string,
      {
        status: string;
        lastStatusCode: number;
        lastError: string;
        lastAttemptAt: string;
        nextAttemptAt: string;
      }
    >(log.body.items.map((d: { body: string }) => [JSON.parse(d.body).eventId, d]));
    expect(byEvent.get(flags[1].eventId)).toMatchObject({
      status: 'delivered',
      nextAttemptAt: null,
    });
    expect(byEvent.get(flags[2].eventId)).toMatchObject({
      status: 'delivered',
      nextAttemptAt: null,
    });
    // The receiver's reason is in the log, made storable (its U+0000 would fail the update).
    expect(byEvent.get(refused)).toMatchObject({
      status: 'pending',
      lastStatusCode: 422,
      lastError: 'HTTP 422: { "error": "unsupported\ufffd event" }',
    });
    // It waits its own backoff (WEBHOOK_MESSAGE_MAX_BACKOFF_MS here), not the endpoint's.
    const { lastAttemptAt, nextAttemptAt } = byEvent.get(refused) ?? {};
    expect(Date.parse(nextAttemptAt ?? '') - Date.parse(lastAttemptAt ?? '')).toBe(1500);
    const state = await admin.agent.get(`/api/webhooks/${endpoint.id}`).expect(200);
    expect(state.body).toMatchObject({ enabled: true, pending: 1 });
    expect(state.body.state).not.toBe('disabled');

    // The receiver takes it after all: it is delivered on its next try, once.
    receiver.answer(() => ({ status: 204 }));
    await eventually('the refused one delivered', async () => {
      const res = await admin.agent.get(`/api/webhooks/${endpoint.id}`).expect(200);
      return res.body.pending === 0 && res.body.state === 'active';
    });
    expect(mine().filter((r) => JSON.parse(r.body).eventId !== refused)).toHaveLength(2);
    await write('delete', `/webhooks/${endpoint.id}`).expect(204);
  });

  it('does not disable an endpoint for one message it refuses again and again', async () => {
    const path = '/refuses-one';
    receiver.answer((r) => ({ status: r.path === path ? 422 : 204 }));
    const endpoint = await createEndpoint({
      name: 'one refused message',
      url: receiver.url + path,
      kinds: ['reviewer'],
    });
    await decide((await stack.seedFlag()).id);
    // More refusals than it takes to disable an endpoint (3 here), all of the same message.
    await eventually(
      'five refusals',
      async () => receiver.received.filter((r) => r.path === path).length >= 5,
    );
    const state = await admin.agent.get(`/api/webhooks/${endpoint.id}`).expect(200);
    // Counted once: one message refused is that message's problem, not a failing endpoint.
    expect(state.body).toMatchObject({ enabled: true, state: 'active', pending: 1 });
    expect(state.body.consecutiveFailures).toBe(1);
    await write('delete', `/webhooks/${endpoint.id}`).expect(204);
  });

  it('does not follow a redirect to another host, and gives a hung receiver a short timeout', async () => {
    const endpoint = await createEndpoint({
      name: 'redirecting',
      url: receiver.url + '/moved',
      kinds: ['reviewer'],
    });
    receiver.answer((r) =>
      r.path === '/moved'
        ? { status: 307, location: 'http://localhost:1/elsewhere' }
        : r.path === '/hang'
          ? { status: 0 }
          : { status: 204 },
    );
    const ping = await write('post', `/webhooks/${endpoint.id}/ping`).expect(200);
    expect(ping.body).toStrictEqual({
      ok: false,
      statusCode: 307,
      error: 'HTTP 307 redirect to http://localhost:1 not followed',
    });

    await write('patch', `/webhooks/${endpoint.id}`, { url: receiver.url + '/hang' }).expect(200);
    const started = Date.now();
    const hung = await write('post', `/webhooks/${endpoint.id}/ping`).expect(200);
    expect(hung.body).toMatchObject({
      ok: false,
      statusCode: null,
      error: 'no answer within 1000 ms',
    });
    expect(Date.now() - started).toBeLessThan(3000);
    await write('delete', `/webhooks/${endpoint.id}`).expect(204);
  });

  it('refuses bad configuration with a machine-readable 400, and non-admins', async () => {
    for (const url of ['ftp://example.com/hook', 'https://user:pw@example.com/hook', 'not a url']) {
      const res = await write('post', '/webhooks', { name: 'x', url, kinds: ['reviewer'] }).expect(
        400,
      );
      expect(JSON.stringify(res.body)).toContain('url must be an http(s) URL');
    }
    const noKinds = await write('post', '/webhooks', {
      name: 'x',
      url: 'https://example.com/hook',
      kinds: ['everything'],
    }).expect(400);
    expect(JSON.stringify(noKinds.body)).toContain('kinds');
    await reviewer.agent.get('/api/webhooks').expect(403);
    const list = await admin.agent.get('/api/webhooks').expect(200);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
  });
});
