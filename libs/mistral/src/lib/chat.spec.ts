import { type FakeChatReply, FakeMistralServer, MistralContract } from '../testing';
import { defineTool } from './chat';
import type { ChatCompletionRequest } from './chat-types';
import { MistralClient } from './client';
import {
  MistralOutputParseError,
  MistralResponseError,
  MistralStreamInterruptedError,
} from './errors';

describe('chat against the fake server', () => {
  let scripted: ((req: Record<string, unknown>) => FakeChatReply | undefined) | null = null;
  const server = new FakeMistralServer({ chat: (req) => scripted?.(req) });
  const contract = new MistralContract();
  const client = () =>
    new MistralClient({ apiKey: server.apiKey, baseUrl: server.url, retry: { maxAttempts: 1 } });

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    scripted = null;
    server.requests.length = 0;
  });

  it('sends every generation parameter and message role in a request the contract accepts', async () => {
    const request: ChatCompletionRequest = {
      model: 'mistral-small-latest',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is the weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'abc123def',
              type: 'function',
              function: { name: 'weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'abc123def', name: 'weather', content: '{"celsius":18}' },
        { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 64,
      stop: ['\n\n'],
      random_seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      n: 2,
      safe_prompt: true,
      response_format: { type: 'text' },
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'none',
      parallel_tool_calls: true,
    };
    const response = await client().chat.complete(request);
    expect(response.choices).toHaveLength(2);
    expect(response.choices[0].message.content).toBe('Echo: And tomorrow?');
    const sent = server.requests[0];
    expect(contract.validateRequest('POST', sent.path, sent.body)).toStrictEqual([]);
    expect(contract.validateResponse('POST', sent.path, 200, response)).toStrictEqual([]);
  });

  it('honours stop sequences and max_tokens like the API does', async () => {
    scripted = () => ({ content: 'first part. STOP second part' });
    const stopped = await client().chat.complete({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'x' }],
      stop: 'STOP',
    });
    expect(stopped.choices[0].message.content).toBe('first part. ');
    scripted = () => ({ content: 'a'.repeat(100) });
    const cut = await client().chat.complete({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 5,
    });
    expect(cut.choices[0]).toMatchObject({
      finish_reason: 'length',
      message: { content: 'a'.repeat(20) },
    });
  });

  it('streams typed chunks incrementally, records usage from the final chunk, and ends at [DONE]', async () => {
    const c = client();
    const stream = await c.chat.stream({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'tell me a story about a cat' }],
    });
    const deltas: string[] = [];
    for await (const chunk of stream) {
      expect(contract.validateStreamChunk(chunk)).toStrictEqual([]);
      deltas.push(String(chunk.choices[0]?.delta.content ?? ''));
    }
    expect(deltas.length).toBeGreaterThan(5);
    expect(stream.text).toBe('Echo: tell me a story about a cat');
    expect(stream.finishReason).toBe('stop');
    expect(stream.usage?.total_tokens).toBeGreaterThan(0);
    expect(c.usage.summary().byModel['mistral-small-latest'].requests).toBe(1);
  });

  it('closes the connection when the caller stops reading or aborts', async () => {
    const slow = new FakeMistralServer({ streamChunkDelayMs: 30 });
    await slow.start();
    try {
      const c = new MistralClient({ apiKey: slow.apiKey, baseUrl: slow.url });
      const controller = new AbortController();
      const stream = await c.chat.stream(
        {
          model: 'mistral-small-latest',
          messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten' }],
        },
        { signal: controller.signal },
      );
      let seen = 0;
      await expect(
        (async () => {
          for await (const chunk of stream) {
            void chunk;
            if (++seen === 3) controller.abort(new Error('reviewer closed the panel'));
          }
        })(),
      ).rejects.toThrow();
      expect(seen).toBe(3);
      expect(stream.usage).toBeNull();
    } finally {
      await slow.stop();
    }
  });

  describe('a stream that does not finish is an error, never a short answer', () => {
    const ask = (c: MistralClient, idleTimeoutMs?: number) =>
      c.chat
        .stream(
          {
            model: 'mistral-small-latest',
            messages: [{ role: 'user', content: 'one two three four five six seven eight' }],
          },
          { idleTimeoutMs },
        )
        .then((stream) => stream.finalText());

    it('a connection cut mid-stream', async () => {
      // Chunks spaced out, so the first ones reach the client before the cut.
      const paced = new FakeMistralServer({ streamChunkDelayMs: 5 });
      await paced.start();
      try {
        paced.inject({ kind: 'stream', cutAfterPieces: 3 });
        const c = new MistralClient({ apiKey: paced.apiKey, baseUrl: paced.url });
        const error = await ask(c).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MistralStreamInterruptedError);
        expect(error).toMatchObject({ reason: 'cut', partialText: 'Echo: one two ' });
      } finally {
        await paced.stop();
      }
    });

    it('a stream that ends without [DONE]', async () => {
      server.inject({ kind: 'stream', noDone: true });
      await expect(ask(client())).rejects.toMatchObject({
        name: 'MistralStreamInterruptedError',
        reason: 'incomplete',
      });
    });

    it('a stall between chunks longer than the idle timeout', async () => {
      server.inject({ kind: 'stream', stallMs: 400 });
      await expect(ask(client(), 100)).rejects.toMatchObject({
        name: 'MistralStreamInterruptedError',
        reason: 'stalled',
      });
    });

    it('an answer that is not an event stream', async () => {
      server.inject({ kind: 'status', status: 200, body: { not: 'a stream' } });
      await expect(ask(client())).rejects.toBeInstanceOf(MistralResponseError);
    });
  });

  it('follows every choice of a streamed answer (n > 1)', async () => {
    const stream = await client().chat.stream({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'hello' }],
    });
    // Chunks for two choices, as the API sends them with n = 2.
    const chunk = (index: number, content: string, finish: string | null = null) => ({
      id: 'x',
      object: 'chat.completion.chunk',
      model: 'm',
      created: 1,
      choices: [{ index, delta: { content }, finish_reason: finish }],
    });
    const absorb = (stream as unknown as { absorb: (c: unknown) => void }).absorb.bind(stream);
    await stream.finalText();
    absorb(chunk(1, 'second '));
    absorb(chunk(1, 'choice', 'stop'));
    expect(stream.choices.map((c) => c.text)).toStrictEqual(['Echo: hello', 'second choice']);
    expect(stream.choices[1].finishReason).toBe('stop');
  });

  it('keeps two streamed tool calls with the same index apart by id, and takes object arguments', async () => {
    scripted = () => ({
      toolCalls: [
        { name: 'weather', arguments: { location: 'Paris' } },
        { name: 'weather', arguments: { location: 'Rome' } },
      ],
      objectArguments: true,
      toolCallsAtIndexZero: true,
    });
    const stream = await client().chat.stream({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'weather in Paris and Rome?' }],
    });
    await stream.finalText();
    expect(stream.toolCalls.map((c) => [c.function.name, c.function.arguments])).toStrictEqual([
      ['weather', '{"location":"Paris"}'],
      ['weather', '{"location":"Rome"}'],
    ]);
    expect(new Set(stream.toolCalls.map((c) => c.id)).size).toBe(2);
  });

  it('runTools runs a handler whose arguments came as an object', async () => {
    const seen: unknown[] = [];
    scripted = (req) =>
      (req['messages'] as unknown[]).length === 1
        ? { toolCalls: [{ name: 'weather', arguments: { city: 'Lyon' } }] }
        : { content: 'done' };
    await client().chat.runTools(
      { model: 'mistral-small-latest', messages: [{ role: 'user', content: 'weather?' }] },
      [
        defineTool({
          name: 'weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          handler: (args) => seen.push(args),
        }),
      ],
    );
    expect(seen).toStrictEqual([{ city: 'Lyon' }]);
  });

  it('runTools runs parallel tool calls, returns results with the right ids, and surfaces handler errors to the model', async () => {
    const calls: string[] = [];
    const weather = defineTool<{ city: string }>({
      name: 'weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      handler: ({ city }) => {
        calls.push(`weather:${city}`);
        return { city, celsius: 18 };
      },
    });
    const broken = defineTool({
      name: 'broken',
      parameters: { type: 'object', properties: {} },
      handler: () => {
        throw new Error('database unavailable');
      },
    });
    const result = await client().chat.runTools(
      {
        model: 'mistral-large-latest',
        messages: [{ role: 'user', content: 'use weather and broken please' }],
      },
      [weather, broken],
    );
    expect(calls).toHaveLength(1);
    const assistant = result.messages[1];
    const ids = assistant.role === 'assistant' ? (assistant.tool_calls ?? []).map((t) => t.id) : [];
    expect(ids).toHaveLength(2);
    const toolMessages = result.messages.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => (m.role === 'tool' ? m.tool_call_id : ''))).toStrictEqual(ids);
    expect(toolMessages[1].content).toContain('database unavailable');
    expect(result.rounds).toBe(1);
    expect(result.message.content).toContain('celsius');
    // Every request of the loop was valid per the contract.
    for (const r of server.requests)
      expect(contract.validateRequest('POST', r.path, r.body)).toStrictEqual([]);
  });

  it('runTools stops after maxRounds by asking for an answer without tools', async () => {
    scripted = (req) =>
      req['tool_choice'] === 'none'
        ? { content: 'giving up' }
        : { toolCalls: [{ name: 'loop', arguments: {} }] };
    const loop = defineTool({
      name: 'loop',
      parameters: { type: 'object' },
      handler: () => 'again',
    });
    const result = await client().chat.runTools(
      { model: 'mistral-large-latest', messages: [{ role: 'user', content: 'go' }] },
      [loop],
      { maxRounds: 2 },
    );
    expect(result).toMatchObject({ rounds: 2, message: { content: 'giving up' } });
    expect(server.requests).toHaveLength(3);
  });

  it('runTools reports invalid arguments and unknown tools back to the model', async () => {
    let round = 0;
    scripted = () =>
      round++ === 0
        ? {
            toolCalls: [
              { name: 'weather', arguments: { town: 'Paris' } },
              { name: 'nope', arguments: {} },
            ],
          }
        : { content: 'done' };
    const weather = defineTool({
      name: 'weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      handler: () => 'ok',
    });
    const result = await client().chat.runTools(
      { model: 'mistral-large-latest', messages: [{ role: 'user', content: 'x' }] },
      [weather],
    );
    const contents = result.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(contents[0]).toMatch(/invalid arguments.*city/);
    expect(JSON.parse(contents[1])).toStrictEqual({ error: 'unknown tool "nope"' });
  });

  describe('JSON mode', () => {
    const schema = {
      type: 'object',
      properties: {
        verdict: { type: 'string', enum: ['harmful', 'benign'] },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
      },
      required: ['verdict', 'confidence'],
      additionalProperties: false,
    };
    const request = (): ChatCompletionRequest => ({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'classify' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'verdict', schema, strict: true },
      },
    });

    it('returns the parsed object when it matches the schema', async () => {
      const { parsed } = await client().chat.parse<{ verdict: string; confidence: number }>(
        request(),
      );
      expect(['harmful', 'benign']).toContain(parsed.verdict);
      expect(parsed.confidence).toBeGreaterThanOrEqual(0);
    });

    it('throws a typed error with the raw text on invalid JSON or a schema mismatch', async () => {
      scripted = () => ({ content: '{"verdict": "harmful", "confidence": ' });
      const invalid = await client()
        .chat.parse(request())
        .catch((e: unknown) => e);
      expect(invalid).toBeInstanceOf(MistralOutputParseError);
      expect((invalid as MistralOutputParseError).rawText).toBe(
        '{"verdict": "harmful", "confidence": ',
      );

      scripted = () => ({ content: '{"verdict": "maybe", "confidence": 2}' });
      const mismatch = (await client()
        .chat.parse(request())
        .catch((e: unknown) => e)) as MistralOutputParseError;
      expect(mismatch.issues.join(' ')).toMatch(/verdict.*allowed values|confidence.*<= 1/);
    });

    it('parses json_object answers without a schema', async () => {
      const { parsed } = await client().chat.parse<{ answer: string }>({
        model: 'mistral-small-latest',
        messages: [{ role: 'user', content: 'hi' }],
        response_format: { type: 'json_object' },
      });
      expect(parsed.answer).toBe('Echo: hi');
    });
  });
});
