import { FakeMistralServer } from '../testing';
import { MistralClient } from './client';
import {
  MistralConnectionError,
  MistralRateLimitError,
  MistralResponseError,
  MistralTimeoutError,
  MistralValidationError,
  errorFromResponse,
  parseRetryAfter,
} from './errors';

describe('MistralClient moderations against the fake server', () => {
  const server = new FakeMistralServer({ apiKey: 'k' });
  const sleeps: number[] = [];
  const client = () =>
    new MistralClient({
      apiKey: 'k',
      baseUrl: server.url,
      timeoutMs: 150,
      retry: { maxRetries: 3, initialDelayMs: 10 },
      sleep: async (ms) => void sleeps.push(ms),
    });

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    sleeps.length = 0;
    server.requests.length = 0;
  });

  it('scores many texts in one request, one result per text in order', async () => {
    const response = await client().moderations.create({
      model: 'mistral-moderation-2603',
      input: ['have a nice day', 'I will kill you'],
    });
    expect(server.requests).toHaveLength(1);
    expect(response.model).toBe('mistral-moderation-2603');
    expect(response.results[0].category_scores['violence_and_threats']).toBeLessThan(0.5);
    expect(response.results[1].category_scores['violence_and_threats']).toBeGreaterThan(0.5);
    expect(response.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('waits as long as Retry-After asks on 429, then succeeds', async () => {
    server.inject({ kind: 'status', status: 429, retryAfterSeconds: 2 });
    const response = await client().moderations.create({ model: 'm', input: 'x' });
    expect(response.results).toHaveLength(1);
    expect(sleeps).toEqual([2000]);
  });

  it('retries 5xx, timeouts and dropped connections, then gives up with the last error', async () => {
    server.inject({ kind: 'status', status: 503 }, { kind: 'timeout' }, { kind: 'drop' });
    await expect(client().moderations.create({ model: 'm', input: 'x' })).resolves.toMatchObject({
      results: [expect.any(Object)],
    });
    expect(sleeps).toHaveLength(3);

    server.inject(...Array.from({ length: 4 }, () => ({ kind: 'timeout' as const })));
    await expect(client().moderations.create({ model: 'm', input: 'x' })).rejects.toBeInstanceOf(
      MistralTimeoutError,
    );
  });

  it('does not retry a 422, and names the offending field', async () => {
    const error = await client()
      .post('/v1/moderations', { model: 'm', input: 'x', user: 'u1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MistralValidationError);
    expect((error as MistralValidationError).issues[0]).toMatchObject({
      loc: ['body', 'user'],
      type: 'extra_forbidden',
    });
    expect(sleeps).toEqual([]);
  });

  it('reports a malformed 200 body as a typed error carrying the raw text', async () => {
    server.inject({ kind: 'malformed' });
    const error = await client()
      .moderations.create({ model: 'm', input: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MistralResponseError);
    expect((error as MistralResponseError).rawBody).toContain('mod-broken');
  });

  it('reports a refused connection as a connection error', async () => {
    const dead = new MistralClient({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9',
      retry: { maxRetries: 0 },
    });
    await expect(dead.moderations.create({ model: 'm', input: 'x' })).rejects.toBeInstanceOf(
      MistralConnectionError,
    );
  });
});

describe('error bodies', () => {
  it('accepts every known shape', () => {
    const documented = errorFromResponse(
      400,
      '{"object":"error","message":"bad model","type":"invalid_request_error","param":"model","code":"unknown_model"}',
      null,
    );
    expect(documented).toMatchObject({
      status: 400,
      message: 'bad model',
      code: 'unknown_model',
      param: 'model',
    });

    const rate = errorFromResponse(429, '{"message":"Requests rate limit exceeded"}', '3');
    expect(rate).toBeInstanceOf(MistralRateLimitError);
    expect((rate as MistralRateLimitError).retryAfterMs).toBe(3000);

    const nested = errorFromResponse(
      422,
      '{"object":"error","message":{"detail":[{"loc":["body","x"],"msg":"nope","type":"extra_forbidden"}]},"type":"invalid_request_error"}',
      null,
    );
    expect(nested).toBeInstanceOf(MistralValidationError);
    expect(nested.message).toBe('body.x: nope');

    expect(errorFromResponse(502, '<html>Bad gateway</html>', null).message).toContain(
      'Bad gateway',
    );
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeNull();
  });
});
