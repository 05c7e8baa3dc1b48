import { FakeMistralServer } from '../testing';
import { MistralClient } from './client';
import { type RateLimitSnapshot, readRateLimitHeaders } from './rate-limit-headers';

describe('x-ratelimit headers', () => {
  it('reads the per-minute budgets, and nothing when there are none', () => {
    const headers = new Headers({
      'x-ratelimit-limit-req-minute': '600',
      'x-ratelimit-remaining-req-minute': '599',
      'x-ratelimit-remaining-tokens-minute': 'n/a',
    });
    expect(readRateLimitHeaders(headers)).toStrictEqual({
      requestsLimit: 600,
      requestsRemaining: 599,
      tokensLimit: null,
      tokensRemaining: null,
    });
    expect(readRateLimitHeaders(new Headers())).toBeNull();
  });

  it('reports each answer’s budget to the client’s onRateLimit', async () => {
    const server = await new FakeMistralServer().start();
    try {
      const seen: RateLimitSnapshot[] = [];
      const client = new MistralClient({
        apiKey: server.apiKey,
        baseUrl: server.url,
        onRateLimit: (s) => seen.push(s),
      });
      await client.moderations.create({ model: 'mistral-moderation-2603', input: ['hello'] });
      expect(seen).toStrictEqual([
        expect.objectContaining({ requestsLimit: 600, requestsRemaining: 599 }),
      ]);
    } finally {
      await server.stop();
    }
  });
});
