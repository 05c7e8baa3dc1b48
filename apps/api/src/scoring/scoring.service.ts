import { hash as cryptoHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { normalizeForScoring } from '@sieve/moderation';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { type BatchedScore, type CircuitState, ModerationBatcher } from './moderation-batcher';
import type { BatchJobProgress, TextScore } from './moderation-scorer';
import { type CachedScore, ScoreCacheStore } from './score-cache.store';

export type { CircuitState } from './moderation-batcher';

/** How often a replica waiting for another's score looks for it in the cache. */
const CLAIM_POLL_MS = 25;

export type TextOutcome =
  | { ok: true; hash: string; model: string; scores: TextScore['scores']; fresh: boolean }
  /** The scorer refused this text itself (a 4xx for it alone): it goes to the dead letters. */
  | { ok: false; hash: string; reason: 'mistral_rejected'; detail: string };

/** The score cache's key: the SHA-256 of the normalized text, which is also what is scored. */
export const textHash = (text: string) => hashNormalized(normalizeForScoring(text));
const hashNormalized = (normalized: string) => cryptoHash('sha256', normalized, 'hex');

/**
 * Scores texts for the pipeline, each distinct normalized text once: from memory, then the
 * score cache in Postgres, then texts already on their way to the scorer for another partition,
 * and only then through the ModerationBatcher (which packs requests and guards the scorer).
 *
 * What is scored is the normalized text itself (normalizeForScoring: NFKC, whitespace
 * collapsed), exactly what the cache key covers. Scoring whichever variant arrived first let a
 * poster plant a variant the scorer under-rates (spaced-out or fullwidth letters) and have its
 * score reused for every plain copy.
 */
@Injectable()
export class ScoringService {
  private readonly memory: LRUCache<string, CachedScore> | null;
  private readonly inFlight = new Map<string, Promise<TextOutcome>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly batcher: ModerationBatcher,
    private readonly cache: ScoreCacheStore,
    private readonly metrics: MetricsService,
  ) {
    this.memory =
      config.SCORE_CACHE_MEMORY_ENTRIES > 0
        ? new LRUCache({ max: config.SCORE_CACHE_MEMORY_ENTRIES })
        : null;
  }

  /** The model name cache entries are kept under: the configured one, not what answered. */
  get cacheModel(): string {
    return this.batcher.model;
  }

  get circuitState(): CircuitState {
    return this.batcher.circuitState;
  }

  /** Whether the scorer can score texts in an asynchronous job (Mistral's Batch API). */
  get hasBatchJobs(): boolean {
    return this.batcher.hasBatchJobs;
  }

  /** One outcome per text, in order. Rejects when the scorer is unavailable. */
  async scoreTexts(texts: string[]): Promise<TextOutcome[]> {
    const { hashes, outcomes, unknown } = await this.lookUp(texts);
    const counts = { in_flight: 0, miss: 0 };
    const toScore: [string, string][] = [];
    for (const [hash, text] of unknown) {
      const pending = this.inFlight.get(hash);
      counts[pending ? 'in_flight' : 'miss']++;
      if (pending) outcomes.set(hash, pending);
      else toScore.push([hash, text]);
    }
    const scored = this.config.SCORE_SHARED_CLAIMS
      ? await this.scoreClaimed(toScore)
      : this.scoreNew(toScore);
    for (const [hash, outcome] of scored) outcomes.set(hash, outcome);
    for (const [result, n] of Object.entries(counts)) this.metrics.scoreCache.inc({ result }, n);
    return settle(hashes, outcomes);
  }

  /**
   * SCORE_SHARED_CLAIMS: scores the texts this replica could claim; for the ones another replica
   * is scoring now, waits for their scores in the cache (up to SCORE_CLAIM_WAIT_MS), then scores
   * what did not come itself. While waiting they count as in flight here too.
   */
  private async scoreClaimed(
    texts: [hash: string, text: string][],
  ): Promise<[string, Promise<TextOutcome>][]> {
    if (texts.length === 0) return [];
    const waitMs = this.config.SCORE_CLAIM_WAIT_MS;
    const mine = await this.cache.claim(
      this.cacheModel,
      texts.map(([hash]) => hash),
      waitMs,
      this.config.SCORE_CACHE_MAX_AGE_HOURS,
    );
    const theirs = texts.filter(([hash]) => !mine.has(hash));
    const waited = this.waitForOthers(theirs, waitMs);
    const entries = theirs.map(([hash]): [string, Promise<TextOutcome>] => {
      const outcome = waited.then((found) => found.get(hash) as Promise<TextOutcome>);
      this.inFlight.set(hash, outcome);
      const forget = () => this.inFlight.get(hash) === outcome && this.inFlight.delete(hash);
      outcome.then(forget, forget);
      return [hash, outcome];
    });
    return [...this.scoreNew(texts.filter(([hash]) => mine.has(hash))), ...entries];
  }

  private async waitForOthers(
    texts: [hash: string, text: string][],
    waitMs: number,
  ): Promise<Map<string, Promise<TextOutcome>>> {
    const found = new Map<string, Promise<TextOutcome>>();
    const waiting = new Map(texts);
    const deadline = Date.now() + waitMs;
    while (waiting.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
      const stored = await this.cache.find(
        this.cacheModel,
        [...waiting.keys()],
        this.config.SCORE_CACHE_MAX_AGE_HOURS,
      );
      for (const score of stored) {
        this.memory?.set(score.hash, score);
        found.set(score.hash, Promise.resolve({ ok: true, ...score, fresh: false }));
        waiting.delete(score.hash);
      }
    }
    this.metrics.scoreCache.inc({ result: 'other_replica' }, found.size);
    this.metrics.scoreCache.inc({ result: 'claim_timed_out' }, waiting.size);
    // Not stored in time (its holder died, or is slow): scored here after all.
    for (const [hash, outcome] of this.scoreNew([...waiting])) found.set(hash, outcome);
    return found;
  }

  /**
   * As scoreTexts, for re-scoring: the texts not known yet are scored in one batch job instead
   * of online requests. Texts the job did not score go online.
   */
  async scoreTextsInBatchJob(
    texts: string[],
    onProgress?: (progress: BatchJobProgress) => void,
  ): Promise<TextOutcome[]> {
    if (!this.batcher.hasBatchJobs) return this.scoreTexts(texts);
    const { hashes, outcomes, unknown } = await this.lookUp(texts);
    const items: [string, string][] = [];
    for (const [hash, text] of unknown) {
      const pending = this.inFlight.get(hash);
      if (pending) outcomes.set(hash, pending);
      else items.push([hash, text]);
    }
    if (items.length > 0) {
      this.metrics.scoreCache.inc({ result: 'miss' }, items.length);
      const scored = await this.batcher.scoreInBatchJob(
        items.map(([, text]) => text),
        onProgress,
      );
      const online: [string, string][] = [];
      items.forEach(([hash, text], i) => {
        const score = scored[i];
        if (!score) {
          const pending = this.inFlight.get(hash);
          if (pending) outcomes.set(hash, pending);
          else online.push([hash, text]);
          return;
        }
        const cached: CachedScore = { hash, ...score };
        this.memory?.set(hash, cached);
        outcomes.set(hash, { ok: true, ...cached, fresh: true });
      });
      for (const [hash, outcome] of this.scoreNew(online)) outcomes.set(hash, outcome);
    }
    return settle(hashes, outcomes);
  }

  /**
   * Sends the texts to the batcher; until each is scored, others asking for the same text wait
   * for it, and once scored it is remembered before it stops being in flight.
   */
  private scoreNew(texts: [hash: string, text: string][]): [string, Promise<TextOutcome>][] {
    if (texts.length === 0) return [];
    const scored = this.batcher.score(texts.map(([, text]) => text));
    return texts.map(([hash], i) => {
      const outcome = scored[i].then((result: BatchedScore): TextOutcome => {
        if (!result.ok) return { ...result, hash };
        const cached: CachedScore = { hash, ...result.score };
        this.memory?.set(hash, cached);
        return { ok: true, ...cached, fresh: true };
      });
      this.inFlight.set(hash, outcome);
      const forget = () => this.inFlight.delete(hash);
      outcome.then(forget, forget);
      return [hash, outcome];
    });
  }

  /**
   * What is known of each distinct normalized text: from memory, then Postgres. `unknown`
   * holds the normalized texts that need scoring, by hash.
   */
  private async lookUp(texts: string[]) {
    const normalized = texts.map(normalizeForScoring);
    const hashes = normalized.map(hashNormalized);
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
        candidates.set(hash, normalized[i]);
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
}

async function settle(
  hashes: string[],
  outcomes: Map<string, Promise<TextOutcome> | TextOutcome>,
): Promise<TextOutcome[]> {
  const settled = new Map<string, TextOutcome>();
  await Promise.all([...outcomes].map(async ([hash, outcome]) => settled.set(hash, await outcome)));
  return hashes.map((hash) => settled.get(hash) as TextOutcome);
}
