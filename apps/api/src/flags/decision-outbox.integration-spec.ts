import type { INestApplication } from '@nestjs/common';
import type { ReviewerDecisionMessage } from '@sieve/moderation';
import request from 'supertest';
import { type CollectedMessage, eventually, startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Signed = Awaited<ReturnType<Stack['signIn']>>;

/** The shared mock broker's process: specs run in band, so this one may pause it. */
const brokerPid = Number(process.env['SIEVE_TEST_KAFKA_PID'] ?? 0);
const withLocalBroker = brokerPid > 0 ? it : it.skip;
/** Longer than any answer should take, far shorter than kafkajs's 30 s request timeout. */
const BROKER_PAUSE_LIMIT_MS = 8_000;

const remove = { action: 'remove', reason: 'Threat of violence' };
const approve = { action: 'approve', reason: 'Not harmful' };

function reviewerMessages(collected: CollectedMessage[], eventIds: Set<string>) {
  return collected
    .map((m) => ({ ...m, body: JSON.parse(m.value ?? '{}') as ReviewerDecisionMessage }))
    .filter((m) => m.body.kind === 'reviewer' && eventIds.has(m.body.eventId));
}

/** Every (decision id, undone) pair exactly once. */
function expectEachOnce(messages: { body: ReviewerDecisionMessage }[]) {
  const ids = messages.map((m) => `${m.body.decisionId}:${m.body.undone}`);
  expect(ids.length).toBe(new Set(ids).size);
}

describe('decision outbox: every reviewer decision reaches moderation.decisions', () => {
  let stack: Stack;
  let alice: Signed;

  beforeAll(async () => {
    stack = await startTestStack({
      INGEST_ENABLED: 'false',
      OUTBOX_POLL_MS: '200',
      UNDO_WINDOW_SECONDS: '60',
    });
    alice = await stack.signIn('reviewer');
  });
  afterAll(() => stack?.stop());

  const post = (who: Signed, path: string, body?: object) => {
    const call = who.agent.post(path).set('x-csrf-token', who.csrfToken);
    return body ? call.send(body) : call;
  };

  withLocalBroker(
    'answers decide, undo and bulk while the broker is stopped, then publishes each once, in order per flag',
    async () => {
      // The producer is connected and the topic exists before the broker stops.
      const warm = await stack.seedFlag();
      await post(alice, `/api/flags/${warm.id}/decision`, remove).expect(201);
      await eventually('the warm-up decision', async () =>
        reviewerMessages(stack.collected.decisions, new Set([warm.eventId])).length === 1
          ? true
          : undefined,
      );

      const [main, ...others] = await Promise.all(
        Array.from({ length: 5 }, () => stack.seedFlag()),
      );
      const eventIds = new Set([main, ...others].map((f) => f.eventId));

      process.kill(brokerPid, 'SIGSTOP');
      // Whatever happens below, the broker comes back (the old code waited for it).
      const resume = setTimeout(() => process.kill(brokerPid, 'SIGCONT'), BROKER_PAUSE_LIMIT_MS);
      let answeredWithinMs: number;
      let unsentWhileStopped: number;
      let first: string;
      let second: string;
      try {
        const started = Date.now();
        first = (await post(alice, `/api/flags/${main.id}/decision`, remove).expect(201)).body
          .decisionId;
        await post(alice, `/api/flags/${main.id}/decision/undo`).expect(200);
        second = (await post(alice, `/api/flags/${main.id}/decision`, approve).expect(201)).body
          .decisionId;
        const bulk = await post(alice, '/api/flags/bulk-decision', {
          ids: others.map((f) => f.id),
          ...remove,
        }).expect(200);
        expect(bulk.body.map((r: { outcome: string }) => r.outcome)).toStrictEqual(
          others.map(() => 'decided'),
        );
        answeredWithinMs = Date.now() - started;
        const ready = await request(stack.app.getHttpServer()).get('/api/health/ready').expect(200);
        unsentWhileStopped = ready.body.details.outbox.unsent;
        expect(ready.body.details.outbox.oldestUnsentSeconds).toStrictEqual(expect.any(Number));
      } finally {
        clearTimeout(resume);
        process.kill(brokerPid, 'SIGCONT');
      }
      expect(answeredWithinMs).toBeLessThan(BROKER_PAUSE_LIMIT_MS / 2);
      // Nothing of the seven messages could reach the broker yet.
      expect(unsentWhileStopped).toBe(7);
      expect(reviewerMessages(stack.collected.decisions, eventIds)).toHaveLength(0);

      await eventually('all seven messages on the topic', async () =>
        reviewerMessages(stack.collected.decisions, eventIds).length >= 7 ? true : undefined,
      );
      // A late duplicate would arrive within a few relay polls.
      await new Promise((r) => setTimeout(r, 1500));
      const published = reviewerMessages(stack.collected.decisions, eventIds);
      expect(published).toHaveLength(7);
      expectEachOnce(published);
      expect(
        published
          .filter((m) => m.body.eventId === main.eventId)
          .map((m) => [m.body.decisionId, m.body.action, m.body.undone]),
      ).toStrictEqual([
        [first, 'remove', false],
        [first, 'remove', true],
        [second, 'approve', false],
      ]);
      for (const m of published)
        expect(m.headers).toStrictEqual({ source: 'seed', kind: 'reviewer' });
      const { rows } = await stack.db.query(
        `SELECT count(*)::int AS n FROM decision_outbox WHERE sent_at IS NULL`,
      );
      expect(rows[0].n).toBe(0);
    },
    60_000,
  );

  it('publishes what an api committed but never sent (it died first) from the next api', async () => {
    // An api that does not relay stands for one killed between its commit and its publish.
    const silent: INestApplication = await stack.startAnotherApp({
      OUTBOX_RELAY_ENABLED: 'false',
    });
    const flag = await stack.seedFlag();
    const agent = request.agent(silent.getHttpServer());
    const login = await agent
      .post('/api/auth/login')
      .send({ email: alice.email, password: alice.password })
      .expect(200);
    const decided = await agent
      .post(`/api/flags/${flag.id}/decision`)
      .set('x-csrf-token', login.body.csrfToken)
      .send(remove)
      .expect(201);
    await silent.close();

    // The stack's own api relays: it picks the message up by NOTIFY or by its poll.
    const [message] = await eventually('the orphaned decision on the topic', async () => {
      const found = reviewerMessages(stack.collected.decisions, new Set([flag.eventId]));
      return found.length > 0 ? found : undefined;
    });
    expect(message.body).toMatchObject({
      decisionId: decided.body.decisionId,
      action: 'remove',
      undone: false,
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(reviewerMessages(stack.collected.decisions, new Set([flag.eventId]))).toHaveLength(1);
  });

  it('keeps one event’s messages in order when two relays share the outbox', async () => {
    const second = await stack.startAnotherApp();
    const flags = await Promise.all(Array.from({ length: 6 }, () => stack.seedFlag()));
    const eventIds = new Set(flags.map((f) => f.eventId));
    await Promise.all(
      flags.map(async (flag) => {
        await post(alice, `/api/flags/${flag.id}/decision`, remove).expect(201);
        await post(alice, `/api/flags/${flag.id}/decision/undo`).expect(200);
        await post(alice, `/api/flags/${flag.id}/decision`, approve).expect(201);
      }),
    );
    await eventually('18 messages', async () =>
      reviewerMessages(stack.collected.decisions, eventIds).length >= 18 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const published = reviewerMessages(stack.collected.decisions, eventIds);
    expect(published).toHaveLength(18);
    expectEachOnce(published);
    for (const flag of flags) {
      expect(
        published
          .filter((m) => m.body.eventId === flag.eventId)
          .map((m) => [m.body.action, m.body.undone]),
      ).toStrictEqual([
        ['remove', false],
        ['remove', true],
        ['approve', false],
      ]);
    }
    await second.close();
  });
});
