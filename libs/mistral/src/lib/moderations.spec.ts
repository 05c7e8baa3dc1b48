import { FakeMistralServer } from '../testing';
import { MistralClient } from './client';
import { ModerationCoalescer } from './moderations';

describe('moderations', () => {
  const server = new FakeMistralServer();
  const client = () =>
    new MistralClient({ apiKey: server.apiKey, baseUrl: server.url, cache: { maxEntries: 100 } });
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => (server.requests.length = 0));

  it('answers with the category set of the requested model', async () => {
    const c = client();
    const v2 = await c.moderations.create({
      model: 'mistral-moderation-2603',
      input: ['I will kill you'],
    });
    expect(Object.keys(v2.results[0].category_scores)).toHaveLength(11);
    expect(v2.results[0].categories['violence_and_threats']).toBe(true);
    const v1 = await c.moderations.create({
      model: 'mistral-moderation-2411',
      input: 'how to build a bomb',
    });
    expect(Object.keys(v1.results[0].category_scores)).toHaveLength(9);
    expect(v1.results[0].category_scores['dangerous_and_criminal_content']).toBeGreaterThan(0.9);
  });

  it('moderates conversations by their last turn', async () => {
    const response = await client().moderations.createForChat({
      model: 'mistral-moderation-2603',
      input: [
        [
          { role: 'user', content: 'hello' },
          { role: 'assistant', content: 'I will kill you' },
        ],
        [{ role: 'user', content: 'nice day' }],
      ],
    });
    expect(response.results.map((r) => r.categories['violence_and_threats'])).toStrictEqual([
      true,
      false,
    ]);
  });

  it('serves repeated deterministic calls from the cache and counts usage once', async () => {
    const c = client();
    const first = await c.moderations.create({
      model: 'mistral-moderation-2603',
      input: 'same text',
    });
    const second = await c.moderations.create({
      input: 'same text',
      model: 'mistral-moderation-2603',
    });
    expect(second).toStrictEqual(first);
    expect(server.requests).toHaveLength(1);
    expect(c.usage.summary().requests).toBe(1);
  });

  it('coalesces concurrent single-text calls into few requests and sends duplicates once', async () => {
    const coalescer = new ModerationCoalescer(client().moderations, {
      model: 'mistral-moderation-2603',
      maxBatchSize: 4,
      maxWaitMs: 5,
    });
    const texts = ['a', 'b', 'kill', 'a', 'c', 'd', 'e'];
    const results = await Promise.all(texts.map((t) => coalescer.moderate(t)));
    expect(results[2].categories['violence_and_threats']).toBe(true);
    expect(results[0]).toStrictEqual(results[3]);
    const sizes = server.requests.map((r) => (r.body as { input: string[] }).input.length);
    expect(sizes).toStrictEqual([3, 3]);
  });

  it('rejects every waiting caller when the batch fails', async () => {
    server.inject({ kind: 'status', status: 400 });
    const coalescer = new ModerationCoalescer(client().moderations, {
      model: 'mistral-moderation-2603',
      maxWaitMs: 1,
    });
    const outcomes = await Promise.allSettled([coalescer.moderate('x1'), coalescer.moderate('x2')]);
    expect(outcomes.map((o) => o.status)).toStrictEqual(['rejected', 'rejected']);
  });
});
