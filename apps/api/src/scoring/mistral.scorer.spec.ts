import { MistralClient } from '@sieve/mistral';
import { FakeMistralServer } from '@sieve/mistral/testing';
import { MistralScorer } from './mistral.scorer';

describe('MistralScorer', () => {
  const server = new FakeMistralServer({ apiKey: 'k' });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('splits texts into requests of at most batchSize and keeps their order', async () => {
    const scorer = new MistralScorer(
      new MistralClient({ apiKey: 'k', baseUrl: server.url }),
      'mistral-moderation-2603',
      2,
    );
    const texts = ['fine', 'I will kill you', 'also fine', 'mail me at a@b.example', 'ok'];
    const results = await scorer.scoreBatch(texts);
    expect(server.requests.map((r) => (r.body as { input: string[] }).input.length)).toEqual([
      2, 2, 1,
    ]);
    expect(results.map((r) => r.scores['violence_and_threats'] > 0.5)).toEqual([
      false,
      true,
      false,
      false,
      false,
    ]);
    expect(results[3].scores['pii']).toBeGreaterThan(0.5);
    expect(results.every((r) => r.model === 'mistral-moderation-2603')).toBe(true);
  });
});
