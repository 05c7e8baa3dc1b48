import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted misbehaviour, used by the next request that reaches the server. */
export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: unknown }
  | { kind: 'timeout' }
  | { kind: 'malformed' }
  | { kind: 'drop' };

export const MODERATION_2603_CATEGORIES = [
  'sexual',
  'hate_and_discrimination',
  'violence_and_threats',
  'dangerous',
  'criminal',
  'selfharm',
  'health',
  'financial',
  'law',
  'pii',
  'jailbreaking',
];

export interface FakeMistralOptions {
  apiKey?: string;
  /** Added before every answer. */
  latencyMs?: number;
  categories?: string[];
  /** Scores one text; defaults to keyword rules ("kill" → violence, "@" → pii) so tests can aim. */
  score?: (text: string, categories: string[]) => Record<string, number>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

function defaultScore(text: string, categories: string[]): Record<string, number> {
  const lower = text.toLowerCase();
  const rules: Record<string, RegExp> = {
    violence_and_threats: /\bkill|\bhurt/,
    hate_and_discrimination: /\bsubhuman|\bvermin/,
    pii: /@|\+\d{6,}/,
    selfharm: /\bwant to die/,
    sexual: /\bporn/,
  };
  return Object.fromEntries(categories.map((c) => [c, rules[c]?.test(lower) ? 0.93 : 0.01]));
}

const error = (
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

/**
 * A local HTTP server that answers like Mistral's API (bodies, status codes, error shapes,
 * rate-limit headers) and misbehaves on request, for tests and benchmarks.
 */
export class FakeMistralServer {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: Fault[] = [];
  private server: Server | null = null;
  private counter = 0;
  latencyMs: number;

  constructor(private readonly options: FakeMistralOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  get apiKey(): string {
    return this.options.apiKey ?? 'test-key';
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('FakeMistralServer is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Queue faults; each is used by one request, in order. */
  inject(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      return this.send(res, 400, error('Invalid JSON body', 'invalid_request_error'));
    }
    const path = (req.url ?? '/').split('?')[0];
    this.requests.push({ method: req.method ?? 'GET', path, body });

    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    const fault = this.faults.shift();
    if (fault) {
      switch (fault.kind) {
        case 'timeout':
          return; // never answer; the client's timeout fires
        case 'drop':
          req.socket.destroy();
          return;
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id":"mod-broken","results":[{"categories":');
          return;
        case 'status': {
          const headers: Record<string, string> = {};
          if (fault.retryAfterSeconds !== undefined)
            headers['retry-after'] = String(fault.retryAfterSeconds);
          const body =
            fault.body ??
            (fault.status === 429
              ? error('Rate limit exceeded', 'rate_limited', '1300')
              : error('Internal server error', 'server_error'));
          return this.send(res, fault.status, body, headers);
        }
      }
    }

    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return this.send(res, 401, error('Unauthorized', 'authentication_error'));
    }
    if (req.method === 'POST' && path === '/v1/moderations') return this.moderate(res, body);
    return this.send(
      res,
      404,
      error(`No route for ${req.method} ${path}`, 'invalid_request_error'),
    );
  }

  private moderate(res: ServerResponse, body: unknown): void {
    const b = (body ?? {}) as Record<string, unknown>;
    const detail: { loc: (string | number)[]; msg: string; type: string }[] = [];
    for (const key of Object.keys(b)) {
      if (!['model', 'input', 'metadata'].includes(key)) {
        detail.push({
          loc: ['body', key],
          msg: 'Extra inputs are not permitted',
          type: 'extra_forbidden',
        });
      }
    }
    if (typeof b['model'] !== 'string')
      detail.push({ loc: ['body', 'model'], msg: 'Field required', type: 'missing' });
    const input = b['input'];
    const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input : null;
    if (!texts || !texts.every((t) => typeof t === 'string')) {
      detail.push({
        loc: ['body', 'input'],
        msg: 'Input should be a valid string or list of strings',
        type: 'string_type',
      });
    }
    if (detail.length > 0) return this.send(res, 422, { detail });

    const categories = this.options.categories ?? MODERATION_2603_CATEGORIES;
    const score = this.options.score ?? defaultScore;
    const tokens = (texts as string[]).reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    this.send(
      res,
      200,
      {
        id: `mod-${++this.counter}`,
        model: b['model'],
        results: (texts as string[]).map((text) => {
          const scores = score(text, categories);
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
      },
      { 'x-ratelimit-limit-req-minute': '600', 'x-ratelimit-remaining-req-minute': '599' },
    );
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
