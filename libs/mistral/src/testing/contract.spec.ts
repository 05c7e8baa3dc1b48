import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MistralClient } from '../lib/client';
import { MistralContract } from './contract';
import { FakeMistralServer } from './fake-mistral-server';

/**
 * The contract: every request our client sends and every response the fake returns validates
 * against Mistral's published OpenAPI file, and Mistral's own SDK works against the fake.
 */
describe('contract with Mistral’s OpenAPI description', () => {
  const contract = new MistralContract();
  // The fake answers whatever arrives; validation here is the test's, not the server's.
  const server = new FakeMistralServer({ validate: false });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('client requests and fake responses validate for every endpoint the client uses', async () => {
    const client = new MistralClient({ apiKey: server.apiKey, baseUrl: server.url });
    const responses: [string, string, unknown][] = [];
    const record = async <T>(method: string, path: string, call: Promise<T>) => {
      const value = await call;
      responses.push([method, path, value]);
      return value;
    };
    await record(
      'POST',
      '/v1/chat/completions',
      client.chat.complete({
        model: 'mistral-small-latest',
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 0,
      }),
    );
    await record(
      'POST',
      '/v1/moderations',
      client.moderations.create({ model: 'mistral-moderation-2603', input: ['a', 'b'] }),
    );
    await record(
      'POST',
      '/v1/chat/moderations',
      client.moderations.createForChat({
        model: 'mistral-moderation-2603',
        input: [{ role: 'user', content: 'hi' }],
      }),
    );
    await record(
      'POST',
      '/v1/embeddings',
      client.embeddings.create({ model: 'mistral-embed', input: ['x'] }),
    );
    await record('GET', '/v1/models', client.models.list());
    await record('GET', '/v1/models/mistral-embed', client.models.get('mistral-embed'));
    const file = await record(
      'POST',
      '/v1/files',
      client.files.upload('in.jsonl', '{"custom_id":"a","body":{"input":"x"}}'),
    );
    const job = await record(
      'POST',
      '/v1/batch/jobs',
      client.batch.create({
        endpoint: '/v1/moderations',
        model: 'mistral-moderation-2603',
        input_files: [file.id],
      }),
    );
    await record('GET', `/v1/batch/jobs/${job.id}`, client.batch.get(job.id));

    for (const request of server.requests.filter((r) => r.body !== null)) {
      expect({
        path: request.path,
        issues: contract.validateRequest(request.method, request.path, request.body),
      }).toStrictEqual({ path: request.path, issues: [] });
    }
    for (const [method, path, body] of responses) {
      expect({ path, issues: contract.validateResponse(method, path, 200, body) }).toStrictEqual({
        path,
        issues: [],
      });
    }

    const stream = await client.chat.stream({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'stream me' }],
    });
    for await (const chunk of stream) expect(contract.validateStreamChunk(chunk)).toStrictEqual([]);
  });

  it('the fake rejects what Mistral rejects, with a 422 the contract describes', async () => {
    const strict = new FakeMistralServer();
    await strict.start();
    try {
      const response = await fetch(`${strict.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${strict.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'mistral-small-latest',
          messages: [],
          temperature: 9,
          max_completion_tokens: 5,
        }),
      });
      expect(response.status).toBe(422);
      const body = await response.json();
      expect(contract.validateResponse('POST', '/v1/chat/completions', 422, body)).toStrictEqual(
        [],
      );
      const fields = (body.detail as { loc: string[]; type: string }[]).map(
        (d) => `${d.loc.join('.')}:${d.type}`,
      );
      expect(fields).toStrictEqual(
        expect.arrayContaining([
          'body.max_completion_tokens:extra_forbidden',
          'body.temperature:maximum',
        ]),
      );
    } finally {
      await strict.stop();
    }
  });

  it('the official @mistralai/mistralai SDK can list models, chat, stream and moderate against the fake', async () => {
    const strict = new FakeMistralServer();
    await strict.start();
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(__dirname, '../../contract/sdk-check.mjs')],
        {
          env: { ...process.env, MISTRAL_FAKE_URL: strict.url, MISTRAL_FAKE_KEY: strict.apiKey },
          timeout: 30_000,
        },
      );
      const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
      expect(result.models).toContain('mistral-moderation-2603');
      expect(result.chat).toMatchObject({
        content: 'Echo: hello from the sdk',
        finishReason: 'stop',
      });
      expect(result.chat.totalTokens).toBeGreaterThan(0);
      expect(result.stream.text).toBe('Echo: stream this please');
      expect(result.stream.usage).toBeGreaterThan(0);
      expect(result.moderation).toStrictEqual([true, false]);
      expect(result.error.statusCode).toBe(400);
    } finally {
      await strict.stop();
    }
    // A separate node process loading the SDK: slow on a busy two-core machine, so the
    // test allows what the child is allowed.
  }, 35_000);
});
