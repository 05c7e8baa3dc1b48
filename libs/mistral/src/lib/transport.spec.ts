import { FakeClock, FakeMistralServer } from '../testing';
import { MistralClient } from './client';
import {
  MistralAuthenticationError,
  MistralBadRequestError,
  MistralConnectionError,
  MistralNotFoundError,
  MistralRateLimitError,
  MistralResponseError,
  MistralServerError,
  MistralTimeoutError,
  MistralValidationError,
  errorFromResponse,
  parseRetryAfter,
} from './errors';

describe('transport: retries, timeouts and typed errors (against the fake server)', () => {
  const server = new FakeMistralServer({ apiKey: 'secret-key-123' });
  let clock: FakeClock;
  const client = (extra: Partial<ConstructorParameters<typeof MistralClient>[0]> = {}) =>
    new MistralClient({
      apiKey: 'secret-key-123',
      baseUrl: `${server.url}/v1`,
      // Generous, so a busy machine never turns an answer into a timeout; timeout tests set their own.
      timeoutMs: 3_000,
      retry: { maxAttempts: 4, initialDelayMs: 100 },
      clock,
      random: () => 0.5,
      ...extra,
    });
  const moderate = (c = client()) =>
    c.moderations.create({ model: 'mistral-moderation-2603', input: 'hello' });

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    clock = new FakeClock();
    server.reset();
  });

  it('waits at least Retry-After on 429 (plus jitter), then succeeds', async () => {
    server.inject({ kind: 'status', status: 429, retryAfterSeconds: 2 });
    await expect(moderate()).resolves.toMatchObject({ results: [expect.any(Object)] });
    expect(clock.sleeps).toStrictEqual([2050]);
    expect(server.requests).toHaveLength(2);
  });

  it('backs off exponentially with jitter on 5xx, timeouts and dropped connections', async () => {
    server.inject({ kind: 'status', status: 503 }, { kind: 'timeout' }, { kind: 'drop' });
    await expect(moderate(client({ timeoutMs: 150 }))).resolves.toMatchObject({
      results: [expect.any(Object)],
    });
    expect(clock.sleeps).toStrictEqual([50, 100, 200]); // random 0.5 × 100·2^n
    expect(server.requests).toHaveLength(4);
  });

  it('gives up after maxAttempts with the last typed error', async () => {
    server.inject(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 500 })));
    const error = await moderate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MistralServerError);
    expect(server.requests).toHaveLength(4);
  });

  it('stops retrying when the next wait would exceed maxTotalMs', async () => {
    server.inject({ kind: 'status', status: 429, retryAfterSeconds: 60 });
    const error = await moderate(client({ retry: { maxAttempts: 5, maxTotalMs: 10_000 } })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MistralRateLimitError);
    expect((error as MistralRateLimitError).retryAfterMs).toBe(60_000);
    expect(clock.sleeps).toStrictEqual([]);
  });

  it('never retries other 4xx, and types each status', async () => {
    const cases: [number, unknown][] = [
      [400, MistralBadRequestError],
      [401, MistralAuthenticationError],
      [404, MistralNotFoundError],
    ];
    for (const [status, type] of cases) {
      server.inject({
        kind: 'status',
        status,
        body: {
          object: 'error',
          message: `no ${status}`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
      const error = await moderate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({
        status,
        message: `no ${status}`,
        type: 'invalid_request_error',
      });
      expect((error as { requestId: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(clock.sleeps).toStrictEqual([]);
  });

  it('reports a 422 with the validation detail, naming the field', async () => {
    const error = await client()
      .moderations.create({ model: 'm', input: 'x', user: 'u' } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MistralValidationError);
    expect((error as MistralValidationError).issues).toContainEqual({
      loc: ['body', 'user'],
      msg: 'Extra inputs are not permitted',
      type: 'extra_forbidden',
    });
  });

  it('never puts the API key in an error', async () => {
    const error = await moderate(client({ apiKey: 'wrong-key-456' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MistralAuthenticationError);
    expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toMatch(
      /wrong-key-456|secret-key-123/,
    );
  });

  it('turns a malformed 200 body into a typed error carrying the raw text', async () => {
    server.inject({ kind: 'malformed' });
    const error = await moderate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MistralResponseError);
    expect((error as MistralResponseError).rawBody).toContain('broken');
  });

  it('times out each attempt, and aborts at once on the caller’s signal', async () => {
    server.inject(...Array.from({ length: 4 }, () => ({ kind: 'timeout' as const })));
    await expect(moderate(client({ timeoutMs: 150 }))).rejects.toBeInstanceOf(MistralTimeoutError);

    server.inject({ kind: 'timeout' });
    const controller = new AbortController();
    const pending = client().moderations.create(
      { model: 'm', input: 'x' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('user cancelled')), 20);
    await expect(pending).rejects.toThrow('user cancelled');
    expect(clock.sleeps).toHaveLength(3);
  });

  it('gives up when the whole call, retries included, passes totalTimeoutMs', async () => {
    // Every attempt hangs. More than one fault: a request the previous test aborted can still
    // reach the server late (a loaded machine) and use one up.
    server.inject(...Array.from({ length: 10 }, () => ({ kind: 'timeout' as const })));
    const started = Date.now();
    const error = await client({ timeoutMs: 5_000 })
      .moderations.create({ model: 'm', input: 'x' }, { totalTimeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MistralTimeoutError);
    expect((error as Error).message).toMatch(/gave up after 200 ms in all/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a refused connection as a connection error', async () => {
    const dead = new MistralClient({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9',
      retry: { maxAttempts: 1 },
    });
    await expect(moderate(dead)).rejects.toBeInstanceOf(MistralConnectionError);
  });
});

describe('error bodies', () => {
  const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null });

  it('accepts every shape Mistral is known to send', () => {
    expect(
      errorFromResponse(
        400,
        '{"object":"error","message":"bad model","type":"invalid_request_error","param":"model","code":"unknown_model"}',
      ),
    ).toMatchObject({ status: 400, message: 'bad model', code: 'unknown_model', param: 'model' });

    const rate = errorFromResponse(
      429,
      '{"message":"Requests rate limit exceeded"}',
      headers({ 'retry-after': '3', 'x-request-id': 'r1' }),
    );
    expect(rate).toBeInstanceOf(MistralRateLimitError);
    expect(rate).toMatchObject({
      retryAfterMs: 3000,
      requestId: 'r1',
      message: 'Requests rate limit exceeded',
    });

    const nested = errorFromResponse(
      422,
      '{"object":"error","message":{"detail":[{"loc":["body","x"],"msg":"nope","type":"extra_forbidden"}]},"type":"invalid_request_error"}',
    );
    expect(nested).toBeInstanceOf(MistralValidationError);
    expect(nested.message).toBe('body.x: nope');

    expect(errorFromResponse(502, '<html>Bad gateway</html>').message).toContain('Bad gateway');
    expect(errorFromResponse(504, '')).toBeInstanceOf(MistralServerError);
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeNull();
  });
});
