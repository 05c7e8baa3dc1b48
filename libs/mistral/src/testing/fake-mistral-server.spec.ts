import { FakeMistralServer } from './fake-mistral-server';

describe('FakeMistralServer control routes (for harnesses in another process)', () => {
  const server = new FakeMistralServer({ apiKey: 'k', recordRequests: false });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  const moderate = () =>
    fetch(`${server.url}/v1/moderations`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mistral-moderation-2603', input: ['hello'] }),
    });

  it('counts every request and each injected fault, and changes faults mid-run', async () => {
    expect((await moderate()).status).toBe(200);
    const set = await fetch(`${server.url}/__fake/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimited: 1, retryAfterSeconds: 2 }),
    });
    expect(set.status).toBe(200);
    const limited = await moderate();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');

    const stats = await (await fetch(`${server.url}/__fake/stats`)).json();
    expect(stats).toStrictEqual({
      received: { '/v1/moderations': 2 },
      served: { '/v1/moderations': 1 },
      injected: { '429': 1 },
      faults: { rateLimited: 1, retryAfterSeconds: 2 },
    });
    expect((await fetch(`${server.url}/__fake/nothing`)).status).toBe(404);
  });
});
