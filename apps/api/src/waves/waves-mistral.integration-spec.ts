import { FakeMistralServer } from '@sieve/mistral/testing';
import { contentEvent, eventually, startTestStack } from '../../test/test-stack';
import { MetricsService } from '../metrics/metrics.service';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * Waves on Mistral's embeddings (the fake, through libs/mistral): a flagged post whose text the
 * embedding API refuses is left out, and the posts embedded in the same request are grouped.
 */
describe('waves on Mistral embeddings', () => {
  const mistral = new FakeMistralServer({
    apiKey: 'it-key',
    faultFor: ({ path, body }) =>
      path === '/v1/embeddings' && JSON.stringify(body).includes('UNEMBEDDABLE')
        ? {
            kind: 'status',
            status: 400,
            body: {
              object: 'error',
              message: 'Input cannot be embedded',
              type: 'invalid_request_error',
              param: null,
              code: null,
            },
          }
        : undefined,
  });
  let stack: Stack;

  beforeAll(async () => {
    await mistral.start();
    stack = await startTestStack({ MISTRAL_API_KEY: 'it-key', MISTRAL_BASE_URL: mistral.url });
  });
  afterAll(async () => {
    await stack?.stop();
    await mistral.stop();
  });

  it('leaves out a post whose text the embedding API refuses, and groups the posts embedded with it', async () => {
    const texts = [
      'I will kill you at the harbour tonight',
      'UNEMBEDDABLE I will kill you',
      'I will kill you at the harbour tonight!!',
    ];
    // One key, so one partition and one batch: flagged together, embedded in one request.
    await stack.produce(
      texts.map((text, i) => ({
        ...contentEvent({ id: `wm-${i}`, text, authorId: `author-${i}` }),
        key: 'one-partition',
      })),
    );
    const rows = await eventually('every flag taken by the grouping', async () => {
      // One statement, so one snapshot: read in two, a batch committing in between would show
      // the flags from before it and the inbox from after it.
      const { rows } = await stack.db.query(
        `SELECT e.event_id, v.method, m.wave_id,
                (SELECT count(*)::int FROM wave_inbox) AS waiting
           FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
           LEFT JOIN flag_vectors v ON v.flag_id = f.id
           LEFT JOIN wave_members m ON m.flag_id = f.id
          WHERE e.event_id LIKE 'wm-%' ORDER BY e.event_id`,
      );
      return rows.length === 3 && rows[0].waiting === 0 ? rows : undefined;
    });
    expect(rows.map((r) => [r.event_id, r.method])).toStrictEqual([
      ['wm-0', 'mistral-embed'],
      ['wm-1', null],
      ['wm-2', 'mistral-embed'],
    ]);
    expect(rows[0].wave_id).not.toBeNull();
    expect(rows[2].wave_id).toBe(rows[0].wave_id);
    expect(rows[1].wave_id).toBeNull();
    // Refused in a request with the others, then alone.
    const asked = mistral.requests
      .filter((r) => r.path === '/v1/embeddings')
      .map((r) => (r.body as { input: string[] }).input);
    expect(asked.map((input) => input.length)).toStrictEqual([2, 1, 1]);
    const metrics = await stack.app.get(MetricsService).registry.metrics();
    expect(metrics).toMatch(/sieve_wave_flags_total\{outcome="refused"\} 1/);
  });
});
