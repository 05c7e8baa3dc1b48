import { BatchApi, FilesApi } from './batch';
import { type CacheOptions, ResponseCache } from './cache';
import { ChatApi } from './chat';
import { EmbeddingsApi } from './embeddings';
import { ModelsApi } from './models';
import { ModerationsApi } from './moderations';
import type { RateLimitSnapshot } from './rate-limit-headers';
import { DEFAULT_PRICING, type PricingTable } from './pricing';
import { type Clock, RateLimiter, type RateLimitOptions, realClock } from './rate-limiter';
import { DEFAULT_RETRY, type RetryPolicy, Transport } from './transport';
import { UsageTracker } from './usage';

export const DEFAULT_BASE_URL = 'https://api.mistral.ai';

export interface MistralClientOptions {
  apiKey: string;
  /** With or without the `/v1` suffix; defaults to `https://api.mistral.ai`. */
  baseUrl?: string;
  /** Per attempt, in ms. Default 30 s (streams: 10 min unless given per call). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Client-side request/token budgets and adaptive concurrency; off unless given. */
  rateLimit?: RateLimitOptions;
  /** Response cache for deterministic calls; off unless given. */
  cache?: CacheOptions;
  pricing?: PricingTable;
  /** Share one tracker between clients, or pass your own to persist records. */
  usage?: UsageTracker;
  /** Each answer's x-ratelimit-* budget (requests and tokens left this minute), e.g. for metrics. */
  onRateLimit?: (snapshot: RateLimitSnapshot) => void;
  /** For tests: a fake clock, so retries and polling need no real sleeps. */
  clock?: Clock;
  random?: () => number;
}

/**
 * A typed client for Mistral's HTTP API on Node's HTTP stack: chat (with streaming, tools and JSON
 * schemas), embeddings, models, moderations, files and batch jobs.
 */
export class MistralClient {
  readonly chat: ChatApi;
  readonly embeddings: EmbeddingsApi;
  readonly models: ModelsApi;
  readonly moderations: ModerationsApi;
  readonly files: FilesApi;
  readonly batch: BatchApi;
  readonly usage: UsageTracker;
  readonly limiter: RateLimiter | null;

  constructor(options: MistralClientOptions) {
    const clock = options.clock ?? realClock;
    this.usage = options.usage ?? new UsageTracker({ pricing: options.pricing ?? DEFAULT_PRICING });
    this.limiter = options.rateLimit ? new RateLimiter(options.rateLimit, clock) : null;
    const transport = new Transport({
      apiKey: options.apiKey,
      baseUrl: (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, ''),
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      clock,
      random: options.random,
      limiter: this.limiter ?? undefined,
      usage: this.usage,
      cache: options.cache ? new ResponseCache(options.cache) : undefined,
      onRateLimit: options.onRateLimit,
    });
    this.chat = new ChatApi(transport);
    this.embeddings = new EmbeddingsApi(transport);
    this.models = new ModelsApi(transport);
    this.moderations = new ModerationsApi(transport);
    this.files = new FilesApi(transport);
    this.batch = new BatchApi(transport, this.files, clock);
  }
}
