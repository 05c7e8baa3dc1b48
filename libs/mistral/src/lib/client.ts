import {
  errorFromResponse,
  MistralApiError,
  MistralConnectionError,
  MistralError,
  MistralResponseError,
  MistralTimeoutError,
} from './errors';
import type { ChatModerationRequest, ModerationRequest, ModerationResponse } from './moderations';

export const DEFAULT_BASE_URL = 'https://api.mistral.ai';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface MistralClientOptions {
  apiKey: string;
  /** Without the `/v1` suffix; defaults to `https://api.mistral.ai`. */
  baseUrl?: string;
  /** Per attempt. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** For tests: a deterministic sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, initialDelayMs: 500, maxDelayMs: 30_000 };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A typed client for Mistral's HTTP API, built on Node's fetch. Transient failures (429, 5xx,
 * timeouts, dropped connections) are retried with exponential backoff and full jitter,
 * waiting at least as long as `Retry-After` asks.
 */
export class MistralClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: MistralClientOptions) {
    if (!options.apiKey) throw new MistralError('MistralClient needs an API key');
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? defaultSleep;
  }

  readonly moderations = {
    /** `POST /v1/moderations`: one result per input string, in order. */
    create: (request: ModerationRequest, options?: RequestOptions) =>
      this.post<ModerationResponse>('/v1/moderations', request, options).then((r) =>
        assertModerationResponse(r, Array.isArray(request.input) ? request.input.length : 1),
      ),
    /** `POST /v1/chat/moderations`: classifies the last turn of each conversation. */
    createForChat: (request: ChatModerationRequest, options?: RequestOptions) =>
      this.post<ModerationResponse>('/v1/chat/moderations', request, options),
  };

  async post<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    const payload = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt<T>(path, payload, options.signal);
      } catch (error) {
        const delay = this.retryDelay(error, attempt);
        if (delay === null || options.signal?.aborted) throw error;
        await this.sleep(delay);
      }
    }
  }

  /** Milliseconds to wait before the next attempt, or null when the error is final. */
  private retryDelay(error: unknown, attempt: number): number | null {
    if (attempt >= this.retry.maxRetries) return null;
    const transient =
      error instanceof MistralTimeoutError ||
      error instanceof MistralConnectionError ||
      (error instanceof MistralApiError && error.retryable);
    if (!transient) return null;
    const backoff = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** attempt);
    const jittered = Math.random() * backoff;
    const retryAfterMs = (error as { retryAfterMs?: number | null }).retryAfterMs ?? 0;
    return Math.max(jittered, retryAfterMs);
  }

  private async attempt<T>(path: string, payload: string, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.baseUrl + path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: payload,
        signal: combined,
      });
      text = await response.text();
    } catch (error) {
      if (timeout.aborted && !signal?.aborted) {
        throw new MistralTimeoutError(`${path} timed out after ${this.timeoutMs} ms`);
      }
      if (signal?.aborted) throw error;
      throw new MistralConnectionError(`${path}: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok)
      throw errorFromResponse(response.status, text, response.headers.get('retry-after'));
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new MistralResponseError(
        `${path} answered ${response.status} with a body that is not JSON`,
        text,
      );
    }
  }
}

function assertModerationResponse(
  response: ModerationResponse,
  expected: number,
): ModerationResponse {
  const results = (response as Partial<ModerationResponse>).results;
  const wellFormed =
    Array.isArray(results) &&
    results.length === expected &&
    results.every(
      (r) =>
        typeof r?.category_scores === 'object' &&
        r.category_scores !== null &&
        Object.values(r.category_scores).every((s) => typeof s === 'number'),
    );
  if (!wellFormed) {
    throw new MistralResponseError(
      `moderation response has ${Array.isArray(results) ? results.length : 'no'} well-formed results; expected ${expected}`,
      JSON.stringify(response).slice(0, 2000),
    );
  }
  return response;
}
