import type { FlagEventDto } from '@sieve/contracts';
import { defaultPolicy, MISTRAL_MODERATION_2603 } from '@sieve/moderation';
import type { AutomaticDecisionMessage } from '@sieve/moderation';
import { eventually, startTestStack } from '../../test/test-stack';
import { FlagEventsService } from '../flags/flag-events.service';
import { RescoreService } from './rescore.service';

/**
 * One flag created by ingest, one by rescore, under the same live policy and the same draft in
 * shadow: a reviewer, the platform and the shadow report must not be able to tell them apart.
 */
describe('flags created by rescore are indistinguishable from ingest-created ones', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const flagEvents: FlagEventDto[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ OUTBOX_POLL_MS: '200' });
    stack.app.get(FlagEventsService).events.subscribe((e) => flagEvents.push(e));
  });
  afterAll(() => stack?.stop());

  it('announces them, records their shadow decision, and publishes the same kind of message', async () => {
    // A draft in shadow that blocks everything: every event gets a shadow row.
    const draft = defaultPolicy(MISTRAL_MODERATION_2603, 2);
    for (const rule of Object.values(draft.rules)) rule.autoActionThreshold = 0;
    await stack.db.query(
      `INSERT INTO policy_versions (version, status, category_set_id, rules, shadow_since)
       VALUES (2, 'draft', $1, $2, now())`,
      [draft.categorySetId, JSON.stringify(draft.rules)],
    );
    await new Promise((r) => setTimeout(r, 2_100)); // the shadow policy cache's lifetime

    await stack.produce([
      {
        key: 'by-ingest',
        value: JSON.stringify({
          id: 'by-ingest',
          source: 'forum',
          authorId: 'a1',
          text: 'I will kill you tomorrow',
          createdAt: '2026-11-25T10:00:00Z',
        }),
      },
    ]);
    await eventually('the ingested event flagged', async () => {
      const { rows } = await stack.db.query(
        `SELECT 1 FROM flags f JOIN scored_events e ON e.id = f.scored_event_id WHERE e.event_id = 'by-ingest'`,
      );
      return rows.length === 1;
    });
    // Stored earlier by an older model that let it through; the rescore flags it.
    await stack.db.query(
      `INSERT INTO scored_events (source, event_id, author_id, text, event_created_at, model_id, score_layout, score_values, policy_version, decision)
       VALUES ('forum', 'by-rescore', 'a1', 'I will kill you tonight', now(), score_model_id('old-model'), (compact_scores('{"violence_and_threats": 0.01}')).layout, (compact_scores('{"violence_and_threats": 0.01}')).vals, 1, 'allow')`,
    );
    const result = await stack.app.get(RescoreService).run({
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 3_600_000),
      policyVersion: 1,
    });
    expect(result).toMatchObject({ changed: 1, newlyFlagged: 1 });

    const { rows: flags } = await stack.db.query(
      `SELECT e.event_id, f.id, f.status, f.auto_decision, f.categories, f.triggered IS NOT NULL AS has_triggered,
              s.live_decision AS shadow_live, s.decision AS shadow_decision
       FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
       LEFT JOIN shadow_decisions s ON s.scored_event_id = e.id AND s.policy_version = 2
       ORDER BY e.event_id`,
    );
    expect(flags.map((f) => f.event_id)).toStrictEqual(['by-ingest', 'by-rescore']);
    const [ingested, rescored] = flags;
    const comparable = ({ event_id: _, id: __, ...rest }: Record<string, unknown>) => rest;
    expect(comparable(rescored)).toStrictEqual(comparable(ingested));
    expect(ingested).toMatchObject({
      status: 'open',
      auto_decision: 'review',
      shadow_live: 'review',
      shadow_decision: 'block',
    });

    // Both announced to live queues the same way (announcements arrive through the database's
    // notifications, so after the commit and not necessarily before the rescore returns).
    await eventually('both flags announced', async () =>
      flags.every((flag) =>
        flagEvents.some((e) => e.type === 'flag.created' && e.ids.includes(flag.id as string)),
      ),
    );

    // Both decisions on the topic with the same key scheme, headers and shape.
    const messages = await eventually('both automatic decisions', async () => {
      const found = stack.collected.decisions.filter((m) =>
        ['by-ingest', 'by-rescore'].includes(m.key ?? ''),
      );
      return found.length === 2 ? found : undefined;
    });
    const [fromIngest, fromRescore] = ['by-ingest', 'by-rescore'].map(
      (key) => messages.find((m) => m.key === key) as (typeof messages)[number],
    );
    expect(fromRescore.headers).toStrictEqual(fromIngest.headers);
    expect(fromIngest.headers).toStrictEqual({ source: 'forum', kind: 'automatic' });
    const bodies = [fromIngest, fromRescore].map(
      (m) => JSON.parse(m.value ?? '{}') as AutomaticDecisionMessage,
    );
    expect(Object.keys(bodies[1]).sort()).toStrictEqual(Object.keys(bodies[0]).sort());
    expect(bodies.map((b) => [b.kind, b.decision, b.policyVersion])).toStrictEqual([
      ['automatic', 'review', 1],
      ['automatic', 'review', 1],
    ]);
  });
});
