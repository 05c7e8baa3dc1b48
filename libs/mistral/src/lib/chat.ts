import {
  contentText,
  type AssistantMessage,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type FunctionTool,
  type JsonSchema,
  type Message,
  type ToolCall,
  type ToolMessage,
  type Usage,
} from './chat-types';
import {
  MistralError,
  MistralOutputParseError,
  MistralResponseError,
  MistralStreamInterruptedError,
  MistralTimeoutError,
} from './errors';
import { validateAgainst } from './json-schema';
import { parseSse } from './sse';
import type { RequestOptions, Transport } from './transport';

const PATH = '/v1/chat/completions';

/** Nothing for this long between two chunks: the stream is taken as stalled. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 30_000;

/**
 * A streamed completion: iterate the chunks; `text`, `toolCalls` and `usage` fill in as it goes
 * (for the first choice; `choices` has every choice when `n` > 1). A stream that does not
 * finish — cut, stalled, or ended without `[DONE]` — throws MistralStreamInterruptedError, so a
 * cut-short answer is never mistaken for a whole one.
 */
export class ChatStream implements AsyncIterable<ChatCompletionChunk> {
  usage: Usage | null = null;
  /** Per choice index: its text, finish reason and tool calls. */
  readonly choices: { text: string; finishReason: string | null; toolCalls: ToolCall[] }[] = [];
  private consumed = false;

  constructor(
    private readonly response: Response,
    private readonly onUsage: (model: string, usage: Usage) => void,
    private readonly idleTimeoutMs = DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  ) {}

  get text(): string {
    return this.choices[0]?.text ?? '';
  }
  get finishReason(): string | null {
    return this.choices[0]?.finishReason ?? null;
  }
  get toolCalls(): ToolCall[] {
    return this.choices[0]?.toolCalls ?? [];
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    if (this.consumed) throw new MistralError('A ChatStream can be iterated once');
    this.consumed = true;
    const body = this.response.body;
    if (!body) throw new MistralResponseError('stream response has no body', '');
    try {
      for await (const event of parseSse(this.watched(body))) {
        if (event.data === '[DONE]') return;
        let chunk: ChatCompletionChunk;
        try {
          chunk = JSON.parse(event.data) as ChatCompletionChunk;
        } catch {
          throw new MistralResponseError('stream frame is not JSON', event.data);
        }
        this.absorb(chunk);
        yield chunk;
      }
      throw new MistralStreamInterruptedError(
        'the stream ended without [DONE]: the answer is incomplete',
        'incomplete',
        this.text,
      );
    } finally {
      // Leaving early (break, abort, error) closes the connection.
      await body.cancel().catch(() => undefined);
    }
  }

  /**
   * The body's chunks, each awaited at most idleTimeoutMs; a cut connection or a stall become
   * MistralStreamInterruptedError (an overall timeout stays MistralTimeoutError).
   */
  private async *watched(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
    const reader = body.getReader();
    try {
      for (;;) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stalled = new Promise<'stalled'>((resolve) => {
          timer = setTimeout(() => resolve('stalled'), this.idleTimeoutMs);
        });
        let next: ReadableStreamReadResult<Uint8Array> | 'stalled';
        try {
          next = await Promise.race([reader.read(), stalled]);
        } catch (error) {
          throw this.interruption(error);
        } finally {
          clearTimeout(timer);
        }
        if (next === 'stalled')
          throw new MistralStreamInterruptedError(
            `no data for ${this.idleTimeoutMs} ms: the stream stalled`,
            'stalled',
            this.text,
          );
        if (next.done) return;
        yield next.value;
      }
    } finally {
      reader.releaseLock();
    }
  }

  private interruption(error: unknown): Error {
    const name = (error as { name?: string } | null)?.name;
    if (name === 'TimeoutError')
      return new MistralTimeoutError('the stream exceeded its overall timeout');
    if (name === 'AbortError') return error as Error;
    return new MistralStreamInterruptedError(
      `the connection was cut mid-stream (${(error as Error)?.message ?? String(error)})`,
      'cut',
      this.text,
    );
  }

  /** Consumes the rest of the stream and returns the whole text. */
  async finalText(): Promise<string> {
    for await (const chunk of this) void chunk;
    return this.text;
  }

  private absorb(chunk: ChatCompletionChunk): void {
    for (const choice of chunk.choices ?? []) {
      const state = (this.choices[choice.index ?? 0] ??= {
        text: '',
        finishReason: null,
        toolCalls: [],
      });
      state.text += contentText(choice.delta.content);
      for (const call of choice.delta.tool_calls ?? []) mergeToolCall(state.toolCalls, call);
      if (choice.finish_reason) state.finishReason = choice.finish_reason;
    }
    if (chunk.usage) {
      this.usage = chunk.usage;
      this.onUsage(chunk.model, chunk.usage);
    }
  }
}

/**
 * A streamed tool call's piece, merged into the calls so far. A piece continues the call at its
 * index unless it carries another id (the spec's index defaults to 0, so two calls can share
 * it); arguments arrive as string fragments, or whole as an object (the spec allows both).
 */
function mergeToolCall(calls: ToolCall[], piece: ToolCall & { index?: number }): void {
  const args = piece.function.arguments as unknown;
  const text = typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args);
  const index = piece.index ?? calls.length;
  const existing = calls.find((c) => (c as { index?: number }).index === index);
  if (existing && (!piece.id || piece.id === existing.id)) {
    existing.function.arguments = `${String(existing.function.arguments ?? '')}${text}`;
    return;
  }
  calls.push({ ...piece, index, function: { ...piece.function, arguments: text } } as ToolCall);
}

/** A tool call's arguments as the handler gets them: a JSON string parsed, an object as is. */
function toolArguments(call: ToolCall): unknown {
  const args = call.function.arguments as unknown;
  if (args === undefined || args === null || args === '') return {};
  return typeof args === 'string' ? JSON.parse(args) : args;
}

export interface ToolDefinition<A = Record<string, unknown>> {
  name: string;
  description?: string;
  /** JSON Schema of the arguments; the model's arguments are validated against it. */
  parameters: JsonSchema;
  handler: (args: A, call: ToolCall) => unknown | Promise<unknown>;
}

/** A tool of any argument type: each handler types its own arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = ToolDefinition<any>;

export function defineTool<A = Record<string, unknown>>(
  tool: ToolDefinition<A>,
): ToolDefinition<A> {
  return tool;
}

export interface RunToolsOptions extends RequestOptions {
  /** Rounds of tool calls before the model is asked to answer without tools. Default 5. */
  maxRounds?: number;
}

export interface RunToolsResult {
  message: AssistantMessage;
  /** The whole conversation, tool calls and results included. */
  messages: Message[];
  rounds: number;
  response: ChatCompletionResponse;
}

export interface ParsedCompletion<T> {
  parsed: T;
  response: ChatCompletionResponse;
}

export class ChatApi {
  constructor(private readonly transport: Transport) {}

  complete(
    request: ChatCompletionRequest,
    options?: RequestOptions,
  ): Promise<ChatCompletionResponse> {
    return this.transport.json<ChatCompletionResponse>(
      'POST',
      PATH,
      { ...request, stream: false },
      options,
    );
  }

  /** Server-sent events parsed into typed chunks. Pass `signal` to cancel. */
  async stream(request: ChatCompletionRequest, options: RequestOptions = {}): Promise<ChatStream> {
    const response = await this.transport.raw(
      'POST',
      PATH,
      JSON.stringify({ ...request, stream: true }),
      'application/json',
      {
        ...options,
        timeoutMs: options.timeoutMs ?? 600_000,
        totalTimeoutMs: options.totalTimeoutMs ?? options.timeoutMs ?? 600_000,
      },
      'text/event-stream',
    );
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream')) {
      const text = await response.text().catch(() => '');
      throw new MistralResponseError(
        `a streamed chat answered ${type || 'without a content type'}, not text/event-stream`,
        text.slice(0, 2000),
      );
    }
    return new ChatStream(
      response,
      (model, usage) => this.transport.recordUsage(PATH, { model, usage }, request),
      options.idleTimeoutMs,
    );
  }

  /**
   * JSON mode: with a `json_schema` response format (strict) the answer is validated against
   * the schema; with `json_object` it is only parsed. Throws MistralOutputParseError with the
   * raw text when the model's answer does not fit.
   */
  async parse<T>(
    request: ChatCompletionRequest,
    options?: RequestOptions,
  ): Promise<ParsedCompletion<T>> {
    const format = request.response_format;
    if (!format || format.type === 'text') {
      throw new MistralError('parse() needs response_format json_object or json_schema');
    }
    const response = await this.complete(request, options);
    const text = contentText(response.choices[0]?.message.content);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new MistralOutputParseError(
        `the model's answer is not JSON: ${(error as Error).message}`,
        text,
      );
    }
    if (format.type === 'json_schema') {
      const issues = validateAgainst(format.json_schema.schema, parsed);
      if (issues.length > 0) {
        throw new MistralOutputParseError(
          `the model's answer does not match ${format.json_schema.name}`,
          text,
          issues,
        );
      }
    }
    return { parsed: parsed as T, response };
  }

  /**
   * Function calling: asks the model, runs the tools it calls (in parallel), feeds their
   * results back with the right `tool_call_id`, and repeats until it answers. A handler's
   * error, unknown tool or invalid arguments go back to the model as the tool's result.
   */
  async runTools(
    request: Omit<ChatCompletionRequest, 'tools'>,
    tools: AnyTool[],
    options: RunToolsOptions = {},
  ): Promise<RunToolsResult> {
    const maxRounds = options.maxRounds ?? 5;
    const definitions: FunctionTool[] = tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
    const byName = new Map(tools.map((t) => [t.name, t]));
    const messages: Message[] = [...request.messages];
    for (let round = 0; ; round++) {
      const final = round >= maxRounds;
      const response = await this.complete(
        {
          ...request,
          messages,
          tools: definitions,
          tool_choice: final ? 'none' : (request.tool_choice ?? 'auto'),
        },
        options,
      );
      const message = response.choices[0]?.message;
      if (!message)
        throw new MistralResponseError('chat completion has no choices', JSON.stringify(response));
      messages.push({ ...message, role: 'assistant' });
      const calls = message.tool_calls ?? [];
      if (calls.length === 0 || final) return { message, messages, rounds: round, response };
      const results = await Promise.all(calls.map((call) => this.runTool(call, byName)));
      messages.push(...results);
    }
  }

  private async runTool(call: ToolCall, tools: Map<string, AnyTool>): Promise<ToolMessage> {
    const reply = (content: unknown): ToolMessage => ({
      role: 'tool',
      tool_call_id: call.id,
      name: call.function.name,
      content: typeof content === 'string' ? content : JSON.stringify(content ?? null),
    });
    const tool = tools.get(call.function.name);
    if (!tool) return reply({ error: `unknown tool "${call.function.name}"` });
    let args: unknown;
    try {
      args = toolArguments(call);
    } catch {
      return reply({ error: 'arguments are not valid JSON' });
    }
    const issues = validateAgainst(tool.parameters, args);
    if (issues.length > 0) return reply({ error: `invalid arguments: ${issues.join('; ')}` });
    try {
      return reply(await tool.handler(args, call));
    } catch (error) {
      return reply({ error: error instanceof Error ? error.message : String(error) });
    }
  }
}
