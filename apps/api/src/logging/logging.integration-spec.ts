import { PassThrough } from 'node:stream';
import request from 'supertest';
import { eventually, startTestStack } from '../../test/test-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('structured logs', () => {
  let stack: Stack;
  const output = new PassThrough();
  let raw = '';
  output.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  const lines = () =>
    raw
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    stack = await startTestStack({ LOG_LEVEL: 'info' }, { logDestination: output });
  });
  afterAll(() => stack?.stop());

  it('writes one JSON line per request with its id, and no query, cookie or body', async () => {
    const reviewer = await stack.signIn('reviewer');
    const response = await reviewer.agent
      .get('/api/flags?q=needle-in-the-query')
      .set('x-request-id', 'trace-4711')
      .expect(200);
    expect(response.headers['x-request-id']).toBe('trace-4711');

    const generated = await request(stack.app.getHttpServer()).get('/api/system').expect(401);
    const generatedId = generated.headers['x-request-id'] as string;
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);

    // A caller's id that is not a plain token is replaced, never echoed or logged.
    const unsafe = await request(stack.app.getHttpServer())
      .get('/api/system')
      .set('x-request-id', '<script>alert(1)</script>');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const line = await eventually('the request line', async () =>
      lines().find((l) => (l['req'] as { id?: string } | undefined)?.id === 'trace-4711'),
    );
    expect(line).toMatchObject({
      level: 'info',
      service: 'sieve-api',
      msg: 'request completed',
      req: { id: 'trace-4711', method: 'GET', path: '/api/flags' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(lines().find((l) => (l['req'] as { id?: string })?.id === generatedId)).toMatchObject({
      level: 'warn',
      res: { statusCode: 401 },
    });

    expect(raw).not.toContain('needle-in-the-query');
    expect(raw).not.toContain(reviewer.password);
    expect(raw).not.toContain(reviewer.cookie.split('=')[1]);
    expect(raw).not.toContain(reviewer.csrfToken);
    expect(raw).not.toContain('<script>');
  });

  it('logs dead letters by offset, key and reason, never their content', async () => {
    await stack.produce([
      { key: 'poison-1', value: '{"not json' + ' secret-user-words' },
      { key: 'poison-2', value: JSON.stringify({ id: 'x', text: 'secret-user-words' }) },
    ]);
    await eventually('two dead letters', async () => stack.collected.dlq.length >= 2);
    const line = await eventually('the dead-letter line', async () =>
      lines().find((l) => l['deadLetters']),
    );
    expect(line).toMatchObject({ level: 'warn', context: 'Ingest', partition: expect.any(Number) });
    expect(line['deadLetters']).toStrictEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'poison-1', reason: 'invalid_json' }),
      ]),
    );
    expect(raw).not.toContain('secret-user-words');
  });
});
