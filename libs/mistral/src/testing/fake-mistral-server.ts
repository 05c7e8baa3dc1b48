import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMBEDDING_REQUEST_MAX_TOKENS, encodeEmbedding } from '../lib/embeddings';
import { MistralContract } from './contract';
import {
  embedText,
  estimateTokens,
  hash,
  MODEL_CARDS,
  moderationScores,
  sampleFromSchema,
} from './fake-behaviour';

/** One scripted misbehaviour, used by the next request that reaches the server. */
export interface BatchJobScript {
  failEvery?: number;
  stopAfter?: number;
}

export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: unknown }
  | { kind: 'timeout' }
  | { kind: 'malformed' }
  | { kind: 'drop' }
  /**
   * For the next streamed chat: the connection cut after `cutAfterPieces` pieces of content,
   * the stream ended (cleanly) without usage or `[DONE]`, or a pause of `stallMs` after the
   * first piece. The request itself is answered normally up to that point.
   */
  | { kind: 'stream'; cutAfterPieces?: number; noDone?: boolean; stallMs?: number };

/** Random faults, each a probability per request, drawn from a seeded generator. */
export interface FaultRates {
  rateLimited?: number;
  serverError?: number;
  timeout?: number;
  drop?: number;
  malformed?: number;
  /** Sent with injected 429s. Default 1. */
  retryAfterSeconds?: number;
  seed?: number;
}

export interface FakeChatReply {
  content?: string;
  toolCalls?: { name: string; arguments: unknown }[];
  finishReason?: 'stop' | 'length' | 'tool_calls';
  /** Send tool-call arguments as objects (the spec allows it) rather than JSON strings. */
  objectArguments?: boolean;
  /** Streams: each tool call in a chunk of its own, every one at index 0 (the spec's default). */
  toolCallsAtIndexZero?: boolean;
}

type Json = Record<string, unknown>;

const CONTROL_PREFIX = '/__fake';

export interface FakeMistralOptions {
  apiKey?: string;
  /** Added before every answer. */
  latencyMs?: number;
  faults?: FaultRates;
  /** Delay between streamed chunks. Default 0. */
  streamChunkDelayMs?: number;
  /** Scripts chat answers; return undefined to fall back to the default behaviour. */
  chat?: (request: Json) => FakeChatReply | undefined;
  /** A fault for a request by what it asks (e.g. an input Mistral would refuse), or undefined. */
  faultFor?: (request: { method: string; path: string; body: unknown }) => Fault | undefined;
  /** Keep every request in `requests`. Default true; off for benchmarks and long runs. */
  recordRequests?: boolean;
  /** Validate requests against the OpenAPI contract (422 like Mistral). Default true. */
  validate?: boolean;
  /** How long a batch job stays QUEUED before it runs. Default 5 ms. */
  batchJobDelayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

const mistralError = (
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
) => ({
  object: 'error',
  message,
  type,
  param,
  code,
});

/** mistral-embed's context: one input of more tokens is refused. */
const EMBEDDING_INPUT_MAX_TOKENS = 8_192;

/**
 * Mistral's 400 for an embeddings request over its token limits, or null. Tokens are counted as
 * the fake counts usage (about four characters each, as English text tokenizes); the client
 * packs by its own, more generous estimate, so it stays under either count.
 */
function embeddingRefusal(b: Json) {
  const input = typeof b['input'] === 'string' ? [b['input']] : b['input'];
  if (!Array.isArray(input)) return null;
  const tokens = input.map((t) => (typeof t === 'string' ? estimateTokens(t) : 0));
  const longest = Math.max(0, ...tokens);
  if (longest > EMBEDDING_INPUT_MAX_TOKENS)
    return mistralError(
      `Input is too long: ${longest} tokens, the model's maximum is ${EMBEDDING_INPUT_MAX_TOKENS}.`,
      'invalid_request_prompt',
      '3210',
    );
  const total = tokens.reduce((n, t) => n + t, 0);
  if (total > EMBEDDING_REQUEST_MAX_TOKENS)
    return mistralError(
      'Too many tokens overall, split into more batches.',
      'invalid_request_prompt',
      '3210',
    );
  return null;
}

/** mulberry32: a tiny seeded PRNG, so fault schedules repeat run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  content: Buffer;
  createdAt: number;
}

/**
 * A local HTTP server that speaks Mistral's API: the same paths, bodies, status codes, error
 * shapes and rate-limit headers, with deterministic content-dependent results, request
 * validation against the OpenAPI file, and injectable faults. For tests, benchmarks and offline
 * development (`npm run mistral:fake`).
 */
export class FakeMistralServer {
  readonly requests: RecordedRequest[] = [];
  /** Counts by path of requests that got a 2xx answer. */
  readonly served: Record<string, number> = {};
  /** Counts by path of every request received (faults included). */
  readonly received: Record<string, number> = {};
  /** Counts of injected faults by kind (429, 500, 503, timeout, drop, malformed). */
  readonly injected: Record<string, number> = {};
  private readonly queued: Fault[] = [];
  /** How the next batch job ends (see scriptNextBatchJob). */
  private nextJobScript: BatchJobScript | null = null;
  private streamFault: Extract<Fault, { kind: 'stream' }> | null = null;
  private readonly files = new Map<string, StoredFile>();
  private readonly jobs = new Map<string, Json>();
  private readonly random: () => number;
  private readonly contract: MistralContract | null;
  private server: Server | null = null;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  latencyMs: number;
  faultRates: FaultRates;

  constructor(private readonly options: FakeMistralOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.faultRates = options.faults ?? {};
    this.random = seeded(options.faults?.seed ?? 42);
    this.contract = options.validate === false ? null : new MistralContract();
  }

  get apiKey(): string {
    return this.options.apiKey ?? 'test-key';
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('FakeMistralServer is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Forgets recorded requests and queued faults, between tests. */
  reset(): void {
    this.requests.length = 0;
    this.queued.length = 0;
  }

  /**
   * The next batch job fails every `failEvery`-th request (into its error file) and/or stops
   * after `stopAfter` requests, ending TIMEOUT_EXCEEDED with what it did so far.
   */
  scriptNextBatchJob(script: BatchJobScript): void {
    this.nextJobScript = script;
  }

  /** Queue faults; each is used by one request, in order, before any random fault. */
  inject(...faults: Fault[]): void {
    this.queued.push(...faults);
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.send(res, 500, mistralError(String(error), 'server_error'));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, host, resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private nextFault(): Fault | null {
    const queued = this.queued.shift();
    if (queued) return queued;
    const r = this.faultRates;
    const roll = this.random();
    let edge = 0;
    const hit = (p = 0) => roll < (edge += p);
    if (hit(r.rateLimited))
      return { kind: 'status', status: 429, retryAfterSeconds: r.retryAfterSeconds ?? 1 };
    if (hit(r.serverError)) return { kind: 'status', status: this.random() < 0.5 ? 500 : 503 };
    if (hit(r.timeout)) return { kind: 'timeout' };
    if (hit(r.drop)) return { kind: 'drop' };
    if (hit(r.malformed)) return { kind: 'malformed' };
    return null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
    res.setHeader('x-request-id', randomUUID());

    let body: unknown = null;
    if (contentType === 'application/json' && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return this.send(res, 400, mistralError('Invalid JSON body', 'invalid_request_error'));
      }
    }
    if (path.startsWith(CONTROL_PREFIX)) return this.control(method, path, body, res);
    if (this.options.recordRequests !== false) this.requests.push({ method, path, body });
    this.received[path] = (this.received[path] ?? 0) + 1;
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    let fault = this.options.faultFor?.({ method, path, body }) ?? this.nextFault();
    if (fault?.kind === 'stream') {
      this.injected['stream'] = (this.injected['stream'] ?? 0) + 1;
      this.streamFault = fault;
      fault = null;
    }
    if (fault) {
      const kind = fault.kind === 'status' ? String(fault.status) : fault.kind;
      this.injected[kind] = (this.injected[kind] ?? 0) + 1;
      return this.misbehave(fault, req, res);
    }

    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return this.send(res, 401, {
        message: 'Unauthorized',
        request_id: res.getHeader('x-request-id'),
      });
    }

    if (contentType === 'application/json' && this.contract && method === 'POST') {
      const extra = this.contract.extraFields(method, path, body);
      const issues = [
        ...extra.map((key) => ({
          loc: ['body', key],
          msg: 'Extra inputs are not permitted',
          type: 'extra_forbidden',
        })),
        ...this.contract
          .validateRequest(method, path, body)
          .filter((i) => i.type !== 'extra_forbidden' || extra.length === 0),
      ];
      if (issues.length > 0 && this.contract.route(method, path)) {
        return this.send(res, 422, { detail: issues });
      }
    }

    const route = `${method} ${path}`;
    const b = (body ?? {}) as Json;
    if (route === 'POST /v1/moderations')
      return this.ok(
        res,
        path,
        this.moderate(
          b['model'] as string,
          typeof b['input'] === 'string' ? [b['input']] : (b['input'] as string[]),
        ),
      );
    if (route === 'POST /v1/chat/moderations') return this.ok(res, path, this.moderateChat(b));
    if (route === 'POST /v1/embeddings') {
      const refusal = embeddingRefusal(b);
      if (refusal) return this.send(res, 400, refusal);
      return this.ok(res, path, this.embed(b));
    }
    if (route === 'GET /v1/models')
      return this.ok(res, path, { object: 'list', data: MODEL_CARDS });
    if (method === 'GET' && path.startsWith('/v1/models/')) {
      const card = MODEL_CARDS.find(
        (m) => m.id === decodeURIComponent(path.slice('/v1/models/'.length)),
      );
      return card
        ? this.ok(res, path, card)
        : this.send(
            res,
            404,
            mistralError('Model not found', 'invalid_request_error', 'model_not_found', 'model_id'),
          );
    }
    if (route === 'POST /v1/chat/completions') {
      if (!MODEL_CARDS.some((m) => m.id === b['model'])) {
        return this.send(
          res,
          400,
          mistralError(
            `Invalid model: ${String(b['model'])}`,
            'invalid_request_error',
            'unknown_model',
            'model',
          ),
        );
      }
      return b['stream'] ? this.streamChat(res, b) : this.ok(res, path, this.completeChat(b));
    }
    if (route === 'POST /v1/files') return this.upload(req, raw, res);
    const fileContent = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (method === 'GET' && fileContent) return this.download(res, fileContent[1]);
    if (route === 'POST /v1/batch/jobs') return this.createJob(res, b);
    if (route === 'GET /v1/batch/jobs')
      return this.ok(res, path, {
        object: 'list',
        data: [...this.jobs.values()],
        total: this.jobs.size,
      });
    const job = /^\/v1\/batch\/jobs\/([^/]+)(\/cancel)?$/.exec(path);
    if (job) {
      const found = this.jobs.get(job[1]);
      if (!found)
        return this.send(
          res,
          404,
          mistralError('Batch job not found', 'invalid_request_error', 'not_found'),
        );
      if (
        job[2] &&
        method === 'POST' &&
        !['SUCCESS', 'FAILED', 'CANCELLED'].includes(found['status'] as string)
      )
        found['status'] = 'CANCELLED';
      return this.ok(res, path, found);
    }
    return this.send(
      res,
      404,
      mistralError(`No route for ${method} ${path}`, 'invalid_request_error'),
    );
  }

  /**
   * Not Mistral's: lets a harness in another process read what the fake saw and change its
   * faults mid-run. `GET /__fake/stats`; `PUT /__fake/faults` with FaultRates.
   */
  private control(method: string, path: string, body: unknown, res: ServerResponse): void {
    if (method === 'GET' && path === `${CONTROL_PREFIX}/stats`) {
      return this.send(res, 200, {
        received: this.received,
        served: this.served,
        injected: this.injected,
        faults: this.faultRates,
      });
    }
    if (
      method === 'PUT' &&
      path === `${CONTROL_PREFIX}/faults` &&
      body &&
      typeof body === 'object'
    ) {
      this.faultRates = body as FaultRates;
      return this.send(res, 200, { faults: this.faultRates });
    }
    return this.send(res, 404, { message: 'Not found' });
  }

  private misbehave(fault: Fault, req: IncomingMessage, res: ServerResponse): void {
    switch (fault.kind) {
      case 'stream':
        return; // taken by handle() for the next streamed chat, never misbehaves here
      case 'timeout':
        return; // never answer; the client's timeout fires
      case 'drop':
        req.socket.destroy();
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"broken","results":[{"categories":');
        return;
      case 'status': {
        const headers: Record<string, string> = {};
        if (fault.retryAfterSeconds !== undefined)
          headers['retry-after'] = String(fault.retryAfterSeconds);
        if (fault.status === 429) {
          headers['x-ratelimit-limit-req-minute'] = '60';
          headers['x-ratelimit-remaining-req-minute'] = '0';
        }
        const body =
          fault.body ??
          (fault.status === 429
            ? mistralError('Rate limit exceeded', 'rate_limited', '1300')
            : fault.status >= 500
              ? mistralError('Service unavailable', 'server_error')
              : mistralError('Invalid request', 'invalid_request_error'));
        return this.send(res, fault.status, body, headers);
      }
    }
  }

  private moderate(model: string, texts: string[]) {
    const tokens = texts.reduce((n, t) => n + estimateTokens(t), 0);
    return {
      id: `mod-${randomUUID()}`,
      model,
      results: texts.map((text) => {
        const scores = moderationScores(text, model);
        return {
          categories: Object.fromEntries(Object.entries(scores).map(([c, s]) => [c, s >= 0.5])),
          category_scores: scores,
        };
      }),
      usage: {
        prompt_tokens: tokens,
        completion_tokens: 0,
        total_tokens: tokens,
        request_count: 1,
      },
    };
  }

  private moderateChat(b: Json) {
    const input = b['input'] as Json[] | Json[][];
    const conversations = (Array.isArray(input[0]) ? input : [input]) as Json[][];
    const lastTexts = conversations.map((c) => String(c[c.length - 1]?.['content'] ?? ''));
    return this.moderate(b['model'] as string, lastTexts);
  }

  private embed(b: Json) {
    const input = typeof b['input'] === 'string' ? [b['input']] : (b['input'] as string[]);
    const dims = typeof b['output_dimension'] === 'number' ? b['output_dimension'] : 1024;
    const tokens = input.reduce((n, t) => n + estimateTokens(t), 0);
    // base64 is little-endian float32, as Mistral (and OpenAI) send it; the OpenAPI file's
    // response schema only describes the array form.
    const base64 = b['encoding_format'] === 'base64';
    return {
      id: `emb-${randomUUID()}`,
      object: 'list',
      model: b['model'],
      usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens },
      data: input.map((text, index) => ({
        object: 'embedding',
        embedding: base64
          ? encodeEmbedding(embedText(text, dims))
          : Array.from(embedText(text, dims)),
        index,
      })),
    };
  }

  /** The default chat behaviour, unless `options.chat` scripts a reply. */
  private reply(b: Json, choice: number): FakeChatReply {
    const scripted = this.options.chat?.(b);
    if (scripted) return scripted;
    const messages = b['messages'] as Json[];
    const last = messages[messages.length - 1] ?? {};
    const lastText = textOf(last['content']);
    const tools =
      (b['tools'] as { function: { name: string; parameters?: Json } }[] | undefined) ?? [];
    const choiceMode = b['tool_choice'];
    if (tools.length > 0 && choiceMode !== 'none' && last['role'] === 'user') {
      const forced =
        typeof choiceMode === 'object' && choiceMode !== null
          ? (choiceMode as { function: { name: string } }).function.name
          : null;
      const named = tools.filter(
        (t) =>
          forced === t.function.name ||
          (!forced && lastText.toLowerCase().includes(t.function.name.toLowerCase())),
      );
      const calls =
        named.length > 0
          ? named
          : choiceMode === 'any' || choiceMode === 'required'
            ? [tools[0]]
            : [];
      const chosen = b['parallel_tool_calls'] === false ? calls.slice(0, 1) : calls;
      if (chosen.length > 0) {
        return {
          toolCalls: chosen.map((t) => ({
            name: t.function.name,
            arguments: sampleFromSchema(
              t.function.parameters ?? { type: 'object' },
              `${lastText}:${t.function.name}`,
            ),
          })),
        };
      }
    }
    if (last['role'] === 'tool') {
      const results = messages.filter((m) => m['role'] === 'tool').map((m) => textOf(m['content']));
      return { content: `Based on the tools: ${results.join('; ')}` };
    }
    const format = b['response_format'] as
      { type: string; json_schema?: { name?: string; schema: Json } } | undefined;
    if (format?.type === 'json_schema' && format.json_schema?.name === JUDGE_SCHEMA_NAME)
      return {
        content: JSON.stringify(judgeFromKeywords(messages.map((m) => textOf(m['content'])))),
      };
    if (format?.type === 'json_schema' && format.json_schema) {
      return { content: JSON.stringify(sampleFromSchema(format.json_schema.schema, lastText)) };
    }
    if (format?.type === 'json_object')
      return { content: JSON.stringify({ answer: `Echo: ${lastText.slice(0, 100)}` }) };
    const variant = choice > 0 ? ` (variant ${choice + 1})` : '';
    return { content: `Echo: ${lastText.slice(0, 400)}${variant}` };
  }

  private shape(
    b: Json,
    reply: FakeChatReply,
  ): { content: string; toolCalls: Json[] | null; finish: string; oneByOne?: boolean } {
    let content = reply.content ?? '';
    let finish = reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
    const stops =
      typeof b['stop'] === 'string' ? [b['stop']] : ((b['stop'] as string[] | undefined) ?? []);
    for (const stop of stops) {
      const at = content.indexOf(stop);
      if (at >= 0) content = content.slice(0, at);
    }
    const maxTokens = b['max_tokens'];
    if (typeof maxTokens === 'number' && estimateTokens(content) > maxTokens) {
      content = content.slice(0, maxTokens * 4);
      finish = 'length';
    }
    const toolCalls = reply.toolCalls?.length
      ? reply.toolCalls.map((call, i) => ({
          id: (hash(`${call.name}:${i}:${JSON.stringify(call.arguments)}`) % 1e9)
            .toString(36)
            .padStart(9, '0')
            .slice(0, 9),
          type: 'function',
          function: {
            name: call.name,
            arguments:
              typeof call.arguments === 'string' || reply.objectArguments
                ? call.arguments
                : JSON.stringify(call.arguments),
          },
          index: reply.toolCallsAtIndexZero ? 0 : i,
        }))
      : null;
    return { content, toolCalls, finish, oneByOne: !!reply.toolCallsAtIndexZero };
  }

  private promptTokens(b: Json): number {
    return estimateTokens(JSON.stringify(b['messages'] ?? ''));
  }

  private completeChat(b: Json) {
    const n = typeof b['n'] === 'number' ? b['n'] : 1;
    const choices = Array.from({ length: n }, (_, index) => {
      const { content, toolCalls, finish } = this.shape(b, this.reply(b, index));
      return {
        index,
        message: { role: 'assistant', content, tool_calls: toolCalls, prefix: false },
        finish_reason: finish,
      };
    });
    const completion = choices.reduce((sum, c) => sum + estimateTokens(c.message.content), 0);
    const prompt = this.promptTokens(b);
    return {
      id: `cmpl-${randomUUID()}`,
      object: 'chat.completion',
      model: b['model'],
      created: Math.floor(Date.now() / 1000),
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
      },
      choices,
    };
  }

  private async streamChat(res: ServerResponse, b: Json): Promise<void> {
    const fault = this.streamFault;
    this.streamFault = null;
    const { content, toolCalls, finish, oneByOne } = this.shape(b, this.reply(b, 0));
    const id = `cmpl-${randomUUID()}`;
    const base = {
      id,
      object: 'chat.completion.chunk',
      model: b['model'],
      created: Math.floor(Date.now() / 1000),
    };
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-ratelimit-limit-req-minute': '600',
      'x-ratelimit-remaining-req-minute': '599',
    });
    this.served['/v1/chat/completions'] = (this.served['/v1/chat/completions'] ?? 0) + 1;
    const delay = this.options.streamChunkDelayMs ?? 0;
    let closed = false;
    res.on('close', () => (closed = true));
    const write = async (frame: string) => {
      if (closed) return;
      // Split each frame in two writes so clients must reassemble frames across reads.
      const cut = Math.floor(frame.length / 2);
      res.write(frame.slice(0, cut));
      res.write(frame.slice(cut));
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    };
    await write(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`,
    );
    const pieces = content.match(/\S+\s*/g) ?? [];
    for (const [i, piece] of pieces.entries()) {
      if (closed) return;
      if (i === 1) await write(': keep-alive\n\n');
      if (fault?.cutAfterPieces !== undefined && i >= fault.cutAfterPieces) {
        res.destroy();
        return;
      }
      if (i === 1 && fault?.stallMs) await new Promise((r) => setTimeout(r, fault.stallMs));
      await write(
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`,
      );
    }
    if (fault?.noDone) {
      res.end();
      return;
    }
    for (const calls of toolCalls ? (oneByOne ? toolCalls.map((c) => [c]) : [toolCalls]) : []) {
      await write(
        `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { tool_calls: calls }, finish_reason: null }] })}\n\n`,
      );
    }
    const prompt = this.promptTokens(b);
    const completion = estimateTokens(content);
    await write(
      `data: ${JSON.stringify({
        ...base,
        usage: {
          prompt_tokens: prompt,
          completion_tokens: completion,
          total_tokens: prompt + completion,
        },
        choices: [{ index: 0, delta: { content: '' }, finish_reason: finish }],
      })}\n\n`,
    );
    await write('data: [DONE]\n\n');
    res.end();
  }

  private async upload(req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    let form: FormData;
    try {
      form = await new Request('http://fake/', {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type']) },
        body: new Uint8Array(raw),
      }).formData();
    } catch {
      return this.send(res, 422, {
        detail: [{ loc: ['body', 'file'], msg: 'Field required', type: 'missing' }],
      });
    }
    const file = form.get('file');
    if (!(file instanceof Blob))
      return this.send(res, 422, {
        detail: [{ loc: ['body', 'file'], msg: 'Field required', type: 'missing' }],
      });
    const stored: StoredFile = {
      id: randomUUID(),
      filename: (file as File).name ?? 'upload.jsonl',
      purpose: String(form.get('purpose') ?? 'batch'),
      content: Buffer.from(await file.arrayBuffer()),
      createdAt: Math.floor(Date.now() / 1000),
    };
    this.files.set(stored.id, stored);
    this.ok(res, '/v1/files', this.fileOut(stored));
  }

  private fileOut(f: StoredFile) {
    return {
      id: f.id,
      object: 'file',
      bytes: f.content.length,
      created_at: f.createdAt,
      filename: f.filename,
      purpose: f.purpose,
      sample_type: f.purpose === 'batch' ? 'batch_request' : 'batch_result',
      num_lines: f.content
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim()).length,
      source: 'upload',
    };
  }

  private download(res: ServerResponse, id: string): void {
    const file = this.files.get(id);
    if (!file)
      return this.send(
        res,
        404,
        mistralError('File not found', 'invalid_request_error', 'not_found'),
      );
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(file.content);
  }

  private createJob(res: ServerResponse, b: Json): void {
    const inputFiles = (b['input_files'] as string[] | undefined) ?? [];
    const missing = inputFiles.find((id) => !this.files.has(id));
    if (missing)
      return this.send(
        res,
        404,
        mistralError(`File ${missing} not found`, 'invalid_request_error', 'not_found'),
      );
    const lines = inputFiles.flatMap(
      (id) =>
        this.files
          .get(id)
          ?.content.toString('utf8')
          .split('\n')
          .filter((l) => l.trim()) ?? [],
    );
    const inline = ((b['requests'] as Json[] | undefined) ?? []).map((r) => JSON.stringify(r));
    const requests = [...lines, ...inline];
    const job: Json = {
      id: randomUUID(),
      object: 'batch',
      input_files: inputFiles,
      endpoint: b['endpoint'],
      model: b['model'] ?? null,
      output_file: null,
      error_file: null,
      errors: [],
      status: 'QUEUED',
      created_at: Math.floor(Date.now() / 1000),
      total_requests: requests.length,
      completed_requests: 0,
      succeeded_requests: 0,
      failed_requests: 0,
      metadata: b['metadata'] ?? null,
    };
    this.jobs.set(job['id'] as string, job);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.runJob(job, requests);
    }, this.options.batchJobDelayMs ?? 5);
    this.timers.add(timer);
    this.ok(res, '/v1/batch/jobs', job);
  }

  private runJob(job: Json, lines: string[]): void {
    if (job['status'] === 'CANCELLED') return;
    const script = this.nextJobScript ?? {};
    this.nextJobScript = null;
    job['status'] = 'RUNNING';
    job['started_at'] = Math.floor(Date.now() / 1000);
    const out: string[] = [];
    const errors: string[] = [];
    let timedOut = false;
    for (const [i, line] of lines.entries()) {
      if (script.stopAfter !== undefined && i >= script.stopAfter) {
        timedOut = true;
        break;
      }
      let request: { custom_id?: string; body?: Json };
      try {
        request = JSON.parse(line);
      } catch {
        job['failed_requests'] = (job['failed_requests'] as number) + 1;
        continue;
      }
      job['completed_requests'] = (job['completed_requests'] as number) + 1;
      if (script.failEvery && i % script.failEvery === script.failEvery - 1) {
        errors.push(
          JSON.stringify({
            id: `batch-${randomUUID()}`,
            custom_id: request.custom_id ?? null,
            response: {
              status_code: 500,
              body: mistralError('Internal error while processing', 'server_error'),
            },
            error: { message: 'Internal error while processing', code: '3000' },
          }),
        );
        job['failed_requests'] = (job['failed_requests'] as number) + 1;
        continue;
      }
      const body = { model: job['model'], ...(request.body ?? {}) } as Json;
      let response: unknown;
      if (job['endpoint'] === '/v1/moderations')
        response = this.moderate(
          body['model'] as string,
          typeof body['input'] === 'string' ? [body['input']] : (body['input'] as string[]),
        );
      else if (job['endpoint'] === '/v1/embeddings') response = this.embed(body);
      else response = this.completeChat(body);
      out.push(
        JSON.stringify({
          id: `batch-${randomUUID()}`,
          custom_id: request.custom_id ?? null,
          response: { status_code: 200, body: response },
          error: null,
        }),
      );
      job['succeeded_requests'] = (job['succeeded_requests'] as number) + 1;
    }
    const store = (suffix: string, content: string[]) => {
      const file: StoredFile = {
        id: randomUUID(),
        filename: `${String(job['id'])}${suffix}.jsonl`,
        purpose: 'batch',
        content: Buffer.from(content.join('\n')),
        createdAt: Math.floor(Date.now() / 1000),
      };
      this.files.set(file.id, file);
      return file.id;
    };
    job['output_file'] = out.length > 0 ? store('', out) : null;
    job['error_file'] = errors.length > 0 ? store('-errors', errors) : null;
    job['status'] = timedOut ? 'TIMEOUT_EXCEEDED' : 'SUCCESS';
    if (timedOut) job['errors'] = [{ message: 'The job ran out of time', count: 1 }];
    job['completed_at'] = Math.floor(Date.now() / 1000);
  }

  private ok(res: ServerResponse, path: string, body: unknown): void {
    this.served[path] = (this.served[path] ?? 0) + 1;
    this.send(res, 200, body, {
      'x-ratelimit-limit-req-minute': '600',
      'x-ratelimit-remaining-req-minute': '599',
    });
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c: { text?: string }) => c.text ?? '').join('');
  return '';
}

/** The schema name Sieve's custom-policy judge asks for (libs/moderation's JUDGEMENT_SCHEMA_NAME). */
const JUDGE_SCHEMA_NAME = 'custom_policy_judgement';
const JUDGE_STOPWORDS = new Set(
  'about after also been from have into more must only other over such than that their them then there these they this those what when with your'.split(
    ' ',
  ),
);

/**
 * A deterministic judge for tests: the rule's words (from the `Rule:` line of its marked block)
 * that the post (the JSON string in its marked block) uses, compared by their first five letters.
 * Two or more: a violation, with the words around the first one as evidence.
 */
function judgeFromKeywords(texts: string[]): Json {
  const all = texts.join('\n');
  const rule = /^Rule: (.*)$/m.exec(all)?.[1] ?? '';
  const quoted = /<<<POST_JSON\n(.*)\nPOST_JSON>>>/.exec(all)?.[1];
  let post = '';
  try {
    post = quoted ? String(JSON.parse(quoted)) : '';
  } catch {
    post = '';
  }
  const stems = [
    ...new Set(
      (rule.toLowerCase().match(/\p{L}{4,}/gu) ?? [])
        .filter((w) => !JUDGE_STOPWORDS.has(w))
        .map((w) => w.slice(0, 5)),
    ),
  ];
  const words = [...post.matchAll(/\S+/g)];
  const hits = stems.filter((stem) => words.some((w) => w[0].toLowerCase().includes(stem)));
  const violates = hits.length >= 2;
  let evidence: string[] = [];
  if (violates) {
    const at = words.findIndex((w) => w[0].toLowerCase().includes(hits[0]));
    const from = words[Math.max(0, at - 2)];
    const to = words[Math.min(words.length - 1, at + 3)];
    evidence = [post.slice(from.index, (to.index ?? 0) + to[0].length)];
  }
  return {
    violates,
    confidence: violates ? Math.min(0.97, 0.55 + 0.12 * hits.length) : 0.9,
    evidence,
    rationale: `The post uses ${hits.length} of the rule's words${hits.length ? ` (${hits.join(', ')})` : ''}.`,
  };
}
