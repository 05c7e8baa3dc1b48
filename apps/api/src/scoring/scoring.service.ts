import { hash as cryptoHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { MistralApiError } from '@sieve/mistral';
import { estimateTokens, normalizeForScoring } from '@sieve/moderation';
import { LRUCache } from 'lru-cache';
import CircuitBreaker from 'opossum';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import {
  type BatchJobProgress,
  MODERATION_SCORER,
  type ModerationScorer,
  type TextScore,
} from './moderation-scorer';
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
  queuedAt: number;
  resolve: (outcome: TextOutcome) => void;
  reject: (error: unknown) => void;
}

/** A 4xx about the content (not auth, not rate limits): retrying the same texts cannot help. */
const isContentRejection = (error: unknown): error is MistralApiError =>
  error instanceof MistralApiError && [400, 413, 422].includes(error.status);

export const textHash = (text: string) => cryptoHash('sha256', normalizeForScoring(text), 'hex');

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
    const { hashes, outcomes, unknown } = await this.lookUp(texts);
    const counts = { in_flight: 0, miss: 0 };
    for (const [hash, text] of unknown) {
      const pending = this.inFlight.get(hash);
      counts[pending ? 'in_flight' : 'miss']++;
      outcomes.set(hash, pending ?? this.enqueue(hash, text));
    }
    this.dispatch();
    for (const [result, n] of Object.entries(counts)) this.metrics.scoreCache.inc({ result }, n);
    return settle(hashes, outcomes);
  }

  /** Whether the scorer can score texts in an asynchronous job (Mistral's Batch API). */
  get hasBatchJobs(): boolean {
    return typeof this.scorer.scoreInBatchJob === 'function';
  }

  /**
   * As scoreTexts, for re-scoring: the texts not known yet are scored in one batch job instead
   * of online requests, packed the same way. Groups the job did not score go online.
   */
  async scoreTextsInBatchJob(
    texts: string[],
    onProgress?: (progress: BatchJobProgress) => void,
  ): Promise<TextOutcome[]> {
    if (!this.scorer.scoreInBatchJob) return this.scoreTexts(texts);
    const { hashes, outcomes, unknown } = await this.lookUp(texts);
    const items: { hash: string; text: string; tokens: number }[] = [];
    for (const [hash, text] of unknown) {
      const pending = this.inFlight.get(hash);
      if (pending) outcomes.set(hash, pending);
      else items.push({ hash, text, tokens: estimateTokens(text) });
    }
    const groups: (typeof items)[] = [];
    for (let at = 0; at < items.length;) {
      const { count } = this.nextRequest(items, at);
      groups.push(items.slice(at, at + count));
      at += count;
    }
    if (groups.length > 0) {
      this.metrics.scoreCache.inc({ result: 'miss' }, items.length);
      const scored = await this.scorer.scoreInBatchJob(
        groups.map((group) => group.map((item) => item.text)),
        onProgress,
      );
      groups.forEach((group, g) => {
        const scores = scored[g];
        for (const [i, { hash, text }] of group.entries()) {
          if (!scores) {
            outcomes.set(hash, this.inFlight.get(hash) ?? this.enqueue(hash, text));
            continue;
          }
          const cached: CachedScore = { hash, ...scores[i] };
          this.memory?.set(hash, cached);
          outcomes.set(hash, { ok: true, ...cached, fresh: true });
        }
      });
      this.dispatch();
    }
    return settle(hashes, outcomes);
  }

  /**
   * What is known of each distinct normalized text: from memory, then Postgres. `unknown`
   * holds the texts that need scoring.
   */
  private async lookUp(texts: string[]) {
    const hashes = texts.map(textHash);
    const outcomes = new Map<string, Promise<TextOutcome> | TextOutcome>();
    const candidates = new Map<string, string>();
    let memoryHits = 0;
    let repeats = 0;
    for (let i = 0; i < texts.length; i++) {
      const hash = hashes[i];
      if (outcomes.has(hash) || candidates.has(hash)) {
        repeats++;
        continue;
      }
      const remembered = this.memory?.get(hash);
      if (remembered) {
        outcomes.set(hash, { ok: true, ...remembered, fresh: false });
        memoryHits++;
      } else {
        candidates.set(hash, texts[i]);
      }
    }
    this.metrics.scoreCache.inc({ result: 'repeat_in_batch' }, repeats);
    this.metrics.scoreCache.inc({ result: 'memory' }, memoryHits);

    const stored = await this.cache.find(
      this.cacheModel,
      [...candidates.keys()],
      this.config.SCORE_CACHE_MAX_AGE_HOURS,
    );
    const storedByHash = new Map(stored.map((s) => [s.hash, s]));
    const unknown = new Map<string, string>();
    let database = 0;
    let scoredMeanwhile = 0;
    for (const [hash, text] of candidates) {
      const found = storedByHash.get(hash);
      if (found) {
        this.memory?.set(hash, found);
        outcomes.set(hash, { ok: true, ...found, fresh: false });
        database++;
        continue;
      }
      // Another partition may have scored it while Postgres was asked (it is not stored yet).
      const remembered = this.memory?.get(hash);
      if (remembered) {
        outcomes.set(hash, { ok: true, ...remembered, fresh: false });
        scoredMeanwhile++;
        continue;
      }
      unknown.set(hash, text);
    }
    this.metrics.scoreCache.inc({ result: 'database' }, database);
    this.metrics.scoreCache.inc({ result: 'memory' }, scoredMeanwhile);
    return { hashes, outcomes, unknown };
  }

  /** How many of `items` from `start` go in one request: bounded by count and estimated tokens. */
  private nextRequest(items: { tokens: number }[], start: number) {
    const maxTexts = this.config.MISTRAL_MODERATION_BATCH_SIZE;
    const maxTokens = this.config.MISTRAL_MODERATION_MAX_TOKENS;
    let count = 0;
    let tokens = 0;
    while (
      start + count < items.length &&
      count < maxTexts &&
      (count === 0 || tokens + items[start + count].tokens <= maxTokens)
    ) {
      tokens += items[start + count].tokens;
      count++;
    }
    return { count, tokens };
  }

  private enqueue(hash: string, text: string): Promise<TextOutcome> {
    const promise = new Promise<TextOutcome>((resolve, reject) => {
      const tokens = estimateTokens(text);
      this.queue.push({ hash, text, tokens, queuedAt: performance.now(), resolve, reject });
      this.queuedTokens += tokens;
    });
    this.inFlight.set(hash, promise);
    const forget = () => this.inFlight.delete(hash);
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Sends full requests while there is room. A partial request goes at once when no request
   * is on its way (nothing to wait for), otherwise when they have all come back or its oldest
   * text has waited the linger time, whichever is first (Nagle's rule): under load requests
   * leave full, and a text waits at most a round trip or the linger.
   */
  private dispatch(): void {
    const concurrency = this.config.MISTRAL_MODERATION_CONCURRENCY;
    const maxTexts = this.config.MISTRAL_MODERATION_BATCH_SIZE;
    const maxTokens = this.config.MISTRAL_MODERATION_MAX_TOKENS;
    while (
      this.active < concurrency &&
      (this.queue.length >= maxTexts || this.queuedTokens >= maxTokens)
    ) {
      void this.send(this.take());
    }
    if (this.queue.length === 0 || this.active >= concurrency) return;
    const waited = performance.now() - this.queue[0].queuedAt;
    const linger = this.config.MISTRAL_MODERATION_LINGER_MS;
    if (this.active === 0 || waited >= linger) {
      void this.send(this.take());
      return;
    }
    if (this.lingerTimer) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      this.dispatch();
    }, linger - waited);
  }

  private take(): Queued[] {
    const { count, tokens } = this.nextRequest(this.queue, 0);
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

async function settle(
  hashes: string[],
  outcomes: Map<string, Promise<TextOutcome> | TextOutcome>,
): Promise<TextOutcome[]> {
  const settled = new Map<string, TextOutcome>();
  await Promise.all([...outcomes].map(async ([hash, outcome]) => settled.set(hash, await outcome)));
  return hashes.map((hash) => settled.get(hash) as TextOutcome);
}
