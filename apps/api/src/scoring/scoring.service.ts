import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { MistralApiError } from '@sieve/mistral';
import { estimateTokens, normalizeForScoring } from '@sieve/moderation';
import { LRUCache } from 'lru-cache';
import CircuitBreaker from 'opossum';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { MODERATION_SCORER, type ModerationScorer, type TextScore } from './moderation-scorer';
import { type CachedScore, ScoreCacheStore } from './score-cache.store';

export type TextOutcome =
  | { ok: true; hash: string; model: string; scores: TextScore['scores']; fresh: boolean }
  /** The scorer refused this text itself (a 4xx for it alone): it goes to the dead letters. */
  | { ok: false; hash: string; reason: 'mistral_rejected'; detail: string };

export type CircuitState = 'closed' | 'open' | 'half_open';

interface Queued {
  hash: string;
  text: string;
  tokens: number;
  resolve: (outcome: TextOutcome) => void;
  reject: (error: unknown) => void;
}

/** A 4xx about the content (not auth, not rate limits): retrying the same texts cannot help. */
const isContentRejection = (error: unknown): error is MistralApiError =>
  error instanceof MistralApiError && [400, 413, 422].includes(error.status);

export const textHash = (text: string) =>
  createHash('sha256').update(normalizeForScoring(text)).digest('hex');

/**
 * Scores texts for the pipeline as cheaply as correctness allows:
 * - each distinct normalized text once: from memory, then Postgres, then texts already on
 *   their way to the scorer for another partition, and only then a new request;
 * - texts from every partition packed into requests bounded by count and estimated tokens,
 *   a bounded number in flight (more wait and make the next requests fuller);
 * - a circuit breaker: after repeated failures calls fail fast for a while, so the consumer
 *   pauses instead of hammering a service that is down;
 * - a request refused for its content is split until the offending texts are isolated.
 */
@Injectable()
export class ScoringService implements OnApplicationShutdown {
  private readonly logger = new Logger('Scoring');
  private readonly memory: LRUCache<string, CachedScore> | null;
  private readonly inFlight = new Map<string, Promise<TextOutcome>>();
  private queue: Queued[] = [];
  private queuedTokens = 0;
  private active = 0;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly breaker: CircuitBreaker<[string[]], TextScore[]>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MODERATION_SCORER) private readonly scorer: ModerationScorer,
    private readonly cache: ScoreCacheStore,
    private readonly metrics: MetricsService,
  ) {
    this.memory =
      config.SCORE_CACHE_MEMORY_ENTRIES > 0
        ? new LRUCache({ max: config.SCORE_CACHE_MEMORY_ENTRIES })
        : null;
    this.breaker = new CircuitBreaker((texts: string[]) => this.scorer.scoreBatch(texts), {
      timeout: false,
      errorThresholdPercentage: 50,
      volumeThreshold: 3,
      resetTimeout: 10_000,
      rollingCountTimeout: 10_000,
      errorFilter: isContentRejection,
    });
    const states: CircuitState[] = ['closed', 'half_open', 'open'];
    const report = (message: string, warn = false) => {
      metrics.scorerCircuitState.set(states.indexOf(this.circuitState));
      if (warn) this.logger.warn(message);
      else this.logger.log(message);
    };
    metrics.scorerCircuitState.set(0);
    this.breaker.on('open', () =>
      report('Scorer circuit open: failing fast for 10 s, partitions pause', true),
    );
    this.breaker.on('halfOpen', () => report('Scorer circuit half-open: trying again'));
    this.breaker.on('close', () => report('Scorer circuit closed: scoring resumed'));
  }

  /** The model name cache entries are kept under: the configured one, not what answered. */
  get cacheModel(): string {
    return this.scorer.info.model;
  }

  get circuitState(): CircuitState {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half_open';
    return 'closed';
  }

  /** One outcome per text, in order. Rejects when the scorer is unavailable. */
  async scoreTexts(texts: string[]): Promise<TextOutcome[]> {
    const hashes = texts.map(textHash);
    const byHash = new Map<string, Promise<TextOutcome> | TextOutcome>();
    const unknown = new Map<string, string>();
    let memoryHits = 0;
    let repeats = 0;
    for (let i = 0; i < texts.length; i++) {
      const hash = hashes[i];
      if (byHash.has(hash) || unknown.has(hash)) {
        repeats++;
        continue;
      }
      const remembered = this.memory?.get(hash);
      if (remembered) {
        byHash.set(hash, { ok: true, ...remembered, fresh: false });
        memoryHits++;
      } else {
        unknown.set(hash, texts[i]);
      }
    }
    this.metrics.scoreCache.inc({ result: 'repeat_in_batch' }, repeats);
    this.metrics.scoreCache.inc({ result: 'memory' }, memoryHits);

    const stored = await this.cache.find(
      this.cacheModel,
      [...unknown.keys()],
      this.config.SCORE_CACHE_MAX_AGE_HOURS,
    );
    const storedByHash = new Map(stored.map((s) => [s.hash, s]));
    const counts = { database: 0, memory: 0, in_flight: 0, miss: 0 };
    for (const [hash, text] of unknown) {
      const found = storedByHash.get(hash);
      if (found) {
        this.memory?.set(hash, found);
        byHash.set(hash, { ok: true, ...found, fresh: false });
        counts.database++;
        continue;
      }
      // Another partition may have scored it while Postgres was asked (it is not stored yet).
      const scoredMeanwhile = this.memory?.get(hash);
      if (scoredMeanwhile) {
        byHash.set(hash, { ok: true, ...scoredMeanwhile, fresh: false });
        counts.memory++;
        continue;
      }
      const pending = this.inFlight.get(hash);
      counts[pending ? 'in_flight' : 'miss']++;
      byHash.set(hash, pending ?? this.enqueue(hash, text));
    }
    for (const [result, n] of Object.entries(counts)) this.metrics.scoreCache.inc({ result }, n);

    const settled = new Map<string, TextOutcome>();
    await Promise.all([...byHash].map(async ([hash, outcome]) => settled.set(hash, await outcome)));
    return hashes.map((hash) => settled.get(hash) as TextOutcome);
  }

  private enqueue(hash: string, text: string): Promise<TextOutcome> {
    const promise = new Promise<TextOutcome>((resolve, reject) => {
      const tokens = estimateTokens(text);
      this.queue.push({ hash, text, tokens, resolve, reject });
      this.queuedTokens += tokens;
    });
    this.inFlight.set(hash, promise);
    const forget = () => this.inFlight.delete(hash);
    promise.then(forget, forget);
    this.dispatch();
    return promise;
  }

  /** Sends full requests while there is room; a partial one goes after the linger time. */
  private dispatch(): void {
    const maxTexts = this.config.MISTRAL_MODERATION_BATCH_SIZE;
    const maxTokens = this.config.MISTRAL_MODERATION_MAX_TOKENS;
    while (
      this.active < this.config.MISTRAL_MODERATION_CONCURRENCY &&
      (this.queue.length >= maxTexts || this.queuedTokens >= maxTokens)
    ) {
      void this.send(this.take());
    }
    if (this.queue.length > 0 && !this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        if (this.queue.length > 0 && this.active < this.config.MISTRAL_MODERATION_CONCURRENCY)
          void this.send(this.take());
        if (this.queue.length > 0) this.dispatch();
      }, this.config.MISTRAL_MODERATION_LINGER_MS);
    }
  }

  private take(): Queued[] {
    const maxTexts = this.config.MISTRAL_MODERATION_BATCH_SIZE;
    const maxTokens = this.config.MISTRAL_MODERATION_MAX_TOKENS;
    let count = 0;
    let tokens = 0;
    while (
      count < this.queue.length &&
      count < maxTexts &&
      (count === 0 || tokens + this.queue[count].tokens <= maxTokens)
    ) {
      tokens += this.queue[count].tokens;
      count++;
    }
    this.queuedTokens -= tokens;
    return this.queue.splice(0, count);
  }

  private async send(items: Queued[]): Promise<void> {
    this.active++;
    const timer = this.metrics.moderationSeconds.startTimer();
    try {
      const scores = await this.breaker.fire(items.map((i) => i.text));
      this.metrics.moderationRequests.inc({ outcome: 'ok' });
      this.metrics.moderationTexts.inc(items.length);
      items.forEach((item, i) => {
        const cached: CachedScore = { hash: item.hash, ...scores[i] };
        this.memory?.set(item.hash, cached);
        item.resolve({ ok: true, ...cached, fresh: true });
      });
    } catch (error) {
      if (isContentRejection(error)) {
        this.metrics.moderationRequests.inc({ outcome: 'rejected' });
        await this.isolateRejected(items, error);
      } else {
        this.metrics.moderationRequests.inc({
          outcome: this.breaker.opened ? 'circuit_open' : 'failed',
        });
        for (const item of items) item.reject(error);
      }
    } finally {
      timer();
      this.active--;
      if (this.queue.length > 0) this.dispatch();
    }
  }

  private async isolateRejected(items: Queued[], error: MistralApiError): Promise<void> {
    if (items.length === 1) {
      items[0].resolve({
        ok: false,
        hash: items[0].hash,
        reason: 'mistral_rejected',
        detail: `HTTP ${error.status}: ${error.message}`.slice(0, 500),
      });
      return;
    }
    const middle = Math.ceil(items.length / 2);
    await Promise.all([this.send(items.slice(0, middle)), this.send(items.slice(middle))]);
  }

  /** After the consumer has stopped (it stops in onModuleDestroy). */
  onApplicationShutdown(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.breaker.shutdown();
  }
}
