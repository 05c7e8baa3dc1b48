import { isDeterministic, type ResponseCache } from './cache';
import {
  errorFromResponse,
  MistralApiError,
  MistralConnectionError,
  MistralError,
  MistralResponseError,
  MistralTimeoutError,
} from './errors';
import { requestText, type TextResponse } from './http-text';
import { readRateLimitHeaders, type RateLimitSnapshot } from './rate-limit-headers';
import { type Clock, type Outcome, type RateLimiter, realClock } from './rate-limiter';
import type { UsageTracker } from './usage';

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 5. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** No retry starts after this much time has passed since the first attempt. Default 2 min. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalMs: 120_000,
};

export interface RequestOptions {
  signal?: AbortSignal;
  /** Per attempt; overrides the client's default. */
  timeoutMs?: number;
  /** For the whole call, retries and waits included; default the retry policy's maxTotalMs. */
  totalTimeoutMs?: number;
  /** Skip the response cache for this call. */
  noCache?: boolean;
  /** Streams only: the longest wait between two chunks before the stream counts as stalled. */
  idleTimeoutMs?: number;
}

/** One logical call: what to send, and how to read a successful answer. */
interface Call<R> {
  method: string;
  path: string;
  body: BodyInit | undefined;
  /** What the call can read: JSON, an event stream, a file (a strict server answers 406 otherwise). */
  accept: string;
  contentType: string | null;
  options: RequestOptions;
  /** How to read a successful fetch Response; without it, the body is read as text (node:http). */
  read: ((response: Response) => Promise<R>) | null;
}

export interface TransportOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  retry: RetryPolicy;
  clock?: Clock;
  /** For tests: replaces Math.random in the backoff jitter. */
  random?: () => number;
  limiter?: RateLimiter;
  usage?: UsageTracker;
  cache?: ResponseCache;
  /** Each answer's x-ratelimit-* budget, when it carries one (e.g. for metrics). */
  onRateLimit?: (snapshot: RateLimitSnapshot) => void;
}

interface UsageBody {
  model?: string;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/**
 * A cheap upper-bound estimate of a text's tokens, for packing requests under Mistral's limits
 * and for token budgets: about three bytes of UTF-8 per token, and never fewer tokens than half
 * the characters. Deliberately generous: a request split too early costs one more call, while
 * one packed too full is refused.
 */
export function estimateTokens(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
  }
  return Math.max(1, Math.ceil(bytes / 3), Math.ceil(text.length / 2));
}

/**
 * Sends requests: auth, timeouts, retries with jittered backoff that honours Retry-After,
 * rate limits, usage recording and the response cache. The API key is only ever put in the
 * Authorization header, never in an error or a log.
 */
export class Transport {
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly options: TransportOptions) {
    if (!options.apiKey) throw new MistralError('A Mistral API key is required');
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
  }

  get usage(): UsageTracker | undefined {
    return this.options.usage;
  }

  async json<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<T> {
    const cacheKey = this.cacheKey(method, path, body, options);
    if (cacheKey) {
      const hit = this.options.cache?.get<T>(cacheKey);
      if (hit !== undefined) return hit;
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // No body, no content type: a strict server refuses a JSON type on an empty body (415).
    const text = await this.send<string>(
      method,
      path,
      payload,
      payload === undefined ? null : 'application/json',
      options,
      null,
      'application/json',
    );
    let parsed: T;
    try {
      parsed = JSON.parse(text) as T;
    } catch {
      throw new MistralResponseError(`${path} answered with a body that is not JSON`, text);
    }
    this.recordUsage(path, parsed as UsageBody, body);
    if (cacheKey && parsed && typeof parsed === 'object') this.options.cache?.set(cacheKey, parsed);
    return parsed;
  }

  /** For streams and file downloads: the raw response, once its status is 2xx. */
  raw(
    method: 'GET' | 'POST',
    path: string,
    body: BodyInit | undefined,
    contentType: string | null,
    options: RequestOptions = {},
    accept = 'application/json',
  ): Promise<Response> {
    return this.send(method, path, body, contentType, options, async (r) => r, accept);
  }

  recordUsage(path: string, body: UsageBody | null, request?: unknown): void {
    const usage = body?.usage;
    if (!this.options.usage || !usage) return;
    const model = body?.model ?? (request as { model?: string } | undefined)?.model ?? 'unknown';
    this.options.usage.record(path, model, usage.prompt_tokens ?? 0, usage.completion_tokens ?? 0);
  }

  private cacheKey(
    method: string,
    path: string,
    body: unknown,
    options: RequestOptions,
  ): string | null {
    if (
      !this.options.cache ||
      options.noCache ||
      method !== 'POST' ||
      !body ||
      typeof body !== 'object'
    )
      return null;
    return isDeterministic(path, body as Record<string, unknown>)
      ? this.options.cache.key(path, body)
      : null;
  }

  private async send<R>(
    method: string,
    path: string,
    body: BodyInit | undefined,
    contentType: string | null,
    options: RequestOptions,
    read: Call<R>['read'],
    accept: string,
  ): Promise<R> {
    const started = this.clock.now();
    const estimated = typeof body === 'string' ? estimateTokens(body) : 0;
    const totalMs = options.totalTimeoutMs ?? this.options.retry.maxTotalMs;
    const overall = AbortSignal.timeout(totalMs);
    const callerSignal = options.signal;
    options = {
      ...options,
      signal: callerSignal ? AbortSignal.any([callerSignal, overall]) : overall,
    };
    try {
      return await this.sendWithRetries(
        { method, path, body, contentType, options, read, accept },
        started,
        estimated,
      );
    } catch (error) {
      if (overall.aborted && !callerSignal?.aborted) {
        throw new MistralTimeoutError(`${path} gave up after ${totalMs} ms in all`);
      }
      throw error;
    }
  }

  private async sendWithRetries<R>(call: Call<R>, started: number, estimated: number): Promise<R> {
    const { signal } = call.options;
    for (let attempt = 1; ; attempt++) {
      const release = this.options.limiter
        ? await this.options.limiter.acquire(estimated, signal)
        : null;
      let outcome: Outcome = 'failed';
      try {
        const result = await this.attempt(call);
        outcome = 'ok';
        return result;
      } catch (error) {
        if (error instanceof MistralApiError && error.status === 429) outcome = 'throttled';
        const delay = this.retryDelay(error, attempt, started);
        if (delay === null || signal?.aborted) throw error;
        release?.(outcome);
        await this.clock.sleep(delay, signal);
        continue;
      } finally {
        release?.(outcome);
      }
    }
  }

  private noteRateLimit(headers: { get(name: string): string | null }): void {
    const snapshot = readRateLimitHeaders(headers);
    if (!snapshot) return;
    this.options.limiter?.observe(snapshot);
    this.options.onRateLimit?.(snapshot);
  }

  /** Milliseconds to wait before the next attempt, or null when the error is final. */
  private retryDelay(error: unknown, attempt: number, started: number): number | null {
    const { maxAttempts, initialDelayMs, maxDelayMs, maxTotalMs } = this.options.retry;
    if (attempt >= maxAttempts) return null;
    const transient =
      error instanceof MistralTimeoutError ||
      error instanceof MistralConnectionError ||
      (error instanceof MistralApiError && error.retryable);
    if (!transient) return null;
    const backoff = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
    const retryAfter = error instanceof MistralApiError ? error.retryAfterMs : null;
    // Retry-After is a floor; jitter on top keeps many clients from retrying in lockstep.
    const delay =
      retryAfter !== null ? retryAfter + this.random() * initialDelayMs : this.random() * backoff;
    if (this.clock.now() - started + delay > maxTotalMs) return null;
    return delay;
  }

  /**
   * One try; the body is read inside the attempt, so a body cut short is retried too. Calls
   * that stream or download keep fetch's Response; JSON calls take the leaner node:http path.
   */
  private async attempt<R>({
    method,
    path,
    body,
    contentType,
    options,
    read,
    accept,
  }: Call<R>): Promise<R> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept,
    };
    if (contentType) headers['content-type'] = contentType;
    const fail = (error: unknown) =>
      this.networkError(path, error, timeout, timeoutMs, options.signal);
    if (!read) {
      let answer: TextResponse;
      try {
        answer = await requestText(this.options.baseUrl + path, {
          method,
          headers,
          body: body as string | undefined,
          signal,
        });
      } catch (error) {
        throw fail(error);
      }
      this.noteRateLimit(answer.headers);
      if (answer.status < 200 || answer.status >= 300)
        throw errorFromResponse(answer.status, answer.text, answer.headers);
      return answer.text as R;
    }
    let response: Response;
    try {
      response = await fetch(this.options.baseUrl + path, { method, headers, body, signal });
    } catch (error) {
      throw fail(error);
    }
    this.noteRateLimit(response.headers);
    if (!response.ok) {
      let text = '';
      try {
        text = await response.text();
      } catch (error) {
        throw fail(error);
      }
      throw errorFromResponse(response.status, text, response.headers);
    }
    try {
      return await read(response);
    } catch (error) {
      throw fail(error);
    }
  }

  private networkError(
    path: string,
    error: unknown,
    timeout: AbortSignal,
    timeoutMs: number,
    signal?: AbortSignal,
  ): unknown {
    if (signal?.aborted) return signal.reason ?? error;
    if (timeout.aborted) return new MistralTimeoutError(`${path} timed out after ${timeoutMs} ms`);
    return new MistralConnectionError(`${path}: ${(error as Error).message}`, { cause: error });
  }
}
