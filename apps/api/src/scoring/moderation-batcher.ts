import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { estimateTokens, isRequestRejection, type MistralApiError } from '@sieve/mistral';
import { atStoredPrecision } from '@sieve/moderation';
import CircuitBreaker from 'opossum';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import {
  type BatchJobProgress,
  MODERATION_SCORER,
  type ModerationScorer,
  type TextScore,
} from './moderation-scorer';

export type CircuitState = 'closed' | 'open' | 'half_open';

/** What scoring one text came to. */
export type BatchedScore =
  | { ok: true; score: TextScore }
  /** The scorer refused this text itself (a 4xx for it alone): it goes to the dead letters. */
  | { ok: false; reason: 'mistral_rejected'; detail: string };

interface Queued {
  text: string;
  tokens: number;
  queuedAt: number;
  resolve: (outcome: BatchedScore) => void;
  reject: (error: unknown) => void;
}

/**
 * Turns texts to score into as few moderation requests as latency allows:
 * - texts (from every partition) packed into requests bounded by count and estimated tokens,
 *   a bounded number in flight (more wait and make the next requests fuller);
 * - a circuit breaker: after repeated failures calls fail fast for a while, so the consumer
 *   pauses instead of hammering a service that is down;
 * - a request refused for its content is split until the offending texts are isolated.
 * It knows nothing of caches: ScoringService sends only texts it could not find.
 */
@Injectable()
export class ModerationBatcher implements OnApplicationShutdown {
  private readonly logger = new Logger('Scoring');
  private queue: Queued[] = [];
  private queuedTokens = 0;
  private active = 0;
  private lingerTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly breaker: CircuitBreaker<[string[]], TextScore[]>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MODERATION_SCORER) private readonly scorer: ModerationScorer,
    private readonly metrics: MetricsService,
  ) {
    this.breaker = new CircuitBreaker(
      async (texts: string[]) => (await this.scorer.scoreBatch(texts)).map(storedScore),
      {
        timeout: false,
        errorThresholdPercentage: 50,
        volumeThreshold: 3,
        resetTimeout: 10_000,
        rollingCountTimeout: 10_000,
        errorFilter: isRequestRejection,
      },
    );
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

  /** The configured model: what cache entries are kept under, whichever model answered. */
  get model(): string {
    return this.scorer.info.model;
  }

  get circuitState(): CircuitState {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half_open';
    return 'closed';
  }

  /** Whether the scorer can score texts in an asynchronous job (Mistral's Batch API). */
  get hasBatchJobs(): boolean {
    return typeof this.scorer.scoreInBatchJob === 'function';
  }

  /**
   * Queues the texts for the next requests, all before any request leaves (so they are packed
   * together); one promise per text, rejected when the scorer is unavailable.
   */
  score(texts: string[]): Promise<BatchedScore>[] {
    const promises = texts.map(
      (text) =>
        new Promise<BatchedScore>((resolve, reject) => {
          const tokens = estimateTokens(text);
          this.queue.push({ text, tokens, queuedAt: performance.now(), resolve, reject });
          this.queuedTokens += tokens;
        }),
    );
    this.dispatch();
    return promises;
  }

  /**
   * Scores the texts in one batch job, packed into requests as online ones are. A request the
   * job did not score comes back as null for each of its texts.
   */
  async scoreInBatchJob(
    texts: string[],
    onProgress?: (progress: BatchJobProgress) => void,
  ): Promise<(TextScore | null)[]> {
    if (!this.scorer.scoreInBatchJob) throw new Error('this scorer has no batch jobs');
    const items = texts.map((text) => ({ text, tokens: estimateTokens(text) }));
    const groups: (typeof items)[] = [];
    for (let at = 0; at < items.length;) {
      const { count } = this.nextRequest(items, at);
      groups.push(items.slice(at, at + count));
      at += count;
    }
    if (groups.length === 0) return [];
    const scored = await this.scorer.scoreInBatchJob(
      groups.map((group) => group.map((item) => item.text)),
      onProgress,
    );
    return groups.flatMap((group, g) =>
      group.map((_, i) => {
        const score = scored[g]?.[i];
        return score ? storedScore(score) : null;
      }),
    );
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
      items.forEach((item, i) => item.resolve({ ok: true, score: scores[i] }));
    } catch (error) {
      if (isRequestRejection(error)) {
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

/** Scores are decided on as they will be stored: to six significant digits. */
const storedScore = (score: TextScore): TextScore => ({
  model: score.model,
  scores: atStoredPrecision(score.scores),
});
