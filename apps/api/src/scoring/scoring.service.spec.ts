import { MistralClient } from '@sieve/mistral';
import { FakeMistralServer } from '@sieve/mistral/testing';
import { loadConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { categorySetById, scoreOffline } from '@sieve/moderation';
import { MistralScorer } from './mistral.scorer';
import { OfflineScorer } from './offline.scorer';
import type { CachedScore, ScoreCacheStore } from './score-cache.store';
import { ModerationBatcher } from './moderation-batcher';
import { ScoringService, textHash } from './scoring.service';

/** The Postgres store is covered by the ingest integration specs; here a map stands in. */
class MapCache {
  readonly rows = new Map<string, CachedScore>();
  /** Shared claims: hashes some replica holds (the table score_claims). */
  readonly claims = new Set<string>();
  delayMs = 0;
  async claim(_model: string, hashes: string[]): Promise<Set<string>> {
    const mine = hashes.filter((h) => !this.claims.has(h));
    for (const h of mine) this.claims.add(h);
    return new Set(mine);
  }
  async find(_model: string, hashes: string[]): Promise<CachedScore[]> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return hashes.flatMap((h) => (this.rows.has(h) ? [this.rows.get(h) as CachedScore] : []));
  }
}

describe('ScoringService', () => {
  const server = new FakeMistralServer({ apiKey: 'k' });
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => server.reset());
  const started: ModerationBatcher[] = [];
  afterEach(() => started.splice(0).forEach((s) => s.onApplicationShutdown()));

  function service(env: Record<string, string> = {}, cache = new MapCache()) {
    const config = loadConfig({
      DATABASE_URL: 'postgres://x/y',
      KAFKA_BROKERS: 'k:9092',
      MISTRAL_MODERATION_BATCH_SIZE: '4',
      MISTRAL_MODERATION_LINGER_MS: '1',
      ...env,
    });
    const scorer = new MistralScorer(
      new MistralClient({ apiKey: 'k', baseUrl: server.url, retry: { maxAttempts: 1 } }),
      'mistral-moderation-2603',
      20,
    );
    const metrics = new MetricsService();
    const batcher = new ModerationBatcher(config, scorer, metrics);
    const scoring = new ScoringService(
      config,
      batcher,
      cache as unknown as ScoreCacheStore,
      metrics,
    );
    started.push(batcher);
    return { scoring, cache, scorer };
  }
  const inputs = () =>
    server.requests
      .filter((r) => r.path === '/v1/moderations')
      .map((r) => (r.body as { input: string[] }).input);
  const paths = () => server.requests.map((r) => `${r.method} ${r.path}`);

  it('packs texts into requests of at most the batch size and keeps their order', async () => {
    const { scoring } = service();
    const texts = ['fine', 'I will kill you', 'also fine', 'mail me at a@b.example', 'ok', 'hm'];
    const results = await scoring.scoreTexts(texts);
    expect(inputs().map((i) => i.length)).toStrictEqual([4, 2]);
    expect(results.map((r) => r.ok && r.scores['violence_and_threats'] > 0.5)).toStrictEqual([
      false,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(results.every((r) => r.ok && r.fresh && r.model === 'mistral-moderation-2603')).toBe(
      true,
    );
  });

  it('sends Mistral the normalized text, exactly what the cache key covers', async () => {
    const { scoring } = service();
    await scoring.scoreTexts(['ｉ ｗｉｌｌ   ｋｉｌｌ ｙｏｕ\n', 'fine  text']);
    expect(inputs()).toStrictEqual([['i will kill you', 'fine text']]);
  });

  it('scores a planted variant as its plain copy, so it cannot lend a low score to it', async () => {
    // The probe from the security review: the offline scorer misses the spaced-out variant.
    const planted = 'i will k  i  l  l  you 7';
    const plain = 'i will k i l l you 7';
    const names = categorySetById('mistral-moderation-2603').categories.map((c) => c.name);
    expect(scoreOffline(planted, names).scores['violence_and_threats']).toBe(0);
    const config = loadConfig({ DATABASE_URL: 'postgres://x/y', KAFKA_BROKERS: 'k:9092' });
    const metrics = new MetricsService();
    const batcher = new ModerationBatcher(config, new OfflineScorer(names), metrics);
    started.push(batcher);
    const scoring = new ScoringService(
      config,
      batcher,
      new MapCache() as unknown as ScoreCacheStore,
      metrics,
    );
    const [first] = await scoring.scoreTexts([planted]);
    const [second] = await scoring.scoreTexts([plain]);
    const expected = scoreOffline(plain, names).scores;
    expect(expected['violence_and_threats']).toBeGreaterThan(0.9);
    expect(first).toMatchObject({ ok: true, scores: expected, fresh: true });
    expect(second).toMatchObject({ ok: true, scores: expected, fresh: false });
  });

  it('sends each normalized text once, across concurrent calls and later calls', async () => {
    const { scoring, cache } = service();
    cache.rows.set(textHash('from the database'), {
      hash: textHash('from the database'),
      model: 'mistral-moderation-2603',
      scores: { pii: 0.25 },
    });
    const [a, b] = await Promise.all([
      scoring.scoreTexts(['same text', 'same  text ', 'from the database']),
      scoring.scoreTexts(['same text', 'other']),
    ]);
    await scoring.scoreTexts(['other', 'same text']);
    expect(inputs().flat().sort()).toStrictEqual(['other', 'same text']);
    expect(a[2]).toMatchObject({ ok: true, fresh: false, scores: { pii: 0.25 } });
    expect(a[0]).toStrictEqual(a[1]);
    expect(b[0]).toMatchObject({ ok: true });
  });

  it('does not score a text again that another call scored while it was asking Postgres', async () => {
    const { scoring, cache } = service();
    const first = scoring.scoreTexts(['repost']);
    cache.delayMs = 100; // the second call's lookup outlives the first call's request
    const second = scoring.scoreTexts(['repost']);
    await Promise.all([first, second]);
    expect(inputs()).toStrictEqual([['repost']]);
  });

  it('isolates the texts a 4xx refuses and scores the rest', async () => {
    const { scoring } = service();
    server.inject({ kind: 'status', status: 400 });
    server.inject({ kind: 'status', status: 400 });
    // The pair is refused, then whichever half arrives first: exactly one text is isolated.
    const results = await scoring.scoreTexts(['a', 'b']);
    expect(results.filter((r) => !r.ok)).toHaveLength(1);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ reason: 'mistral_rejected' });
  });

  it('opens the circuit after repeated failures and fails fast', async () => {
    const { scoring } = service();
    for (let i = 0; i < 3; i++) server.inject({ kind: 'status', status: 503 });
    for (const text of ['x1', 'x2', 'x3'])
      await expect(scoring.scoreTexts([text])).rejects.toThrow();
    expect(scoring.circuitState).toBe('open');
    const before = server.requests.length;
    await expect(scoring.scoreTexts(['x4'])).rejects.toThrow(/open/i);
    expect(server.requests.length).toBe(before);
  });

  it('scores the unknown texts of a rescore in one Batch API job, packed like online requests', async () => {
    const { scoring, cache } = service();
    cache.rows.set(textHash('known'), {
      hash: textHash('known'),
      model: 'mistral-moderation-2603',
      scores: { pii: 0.25 },
    });
    const statuses: string[] = [];
    const texts = ['a', 'I will kill you', 'known', 'c', 'd', 'e', 'a '];
    const results = await scoring.scoreTextsInBatchJob(texts, (p) =>
      statuses.push(`${p.status} ${p.completedRequests}/${p.totalRequests}`),
    );

    expect(paths()).toContain('POST /v1/batch/jobs');
    expect(inputs()).toStrictEqual([]); // nothing online
    expect(statuses.at(-1)).toBe('SUCCESS 2/2'); // 5 distinct unknown texts, 4 per request
    expect(results[2]).toMatchObject({ ok: true, fresh: false, scores: { pii: 0.25 } });
    expect(results.filter((r) => r.ok && r.fresh)).toHaveLength(6);
    expect(results[1].ok && results[1].scores['violence_and_threats']).toBeGreaterThan(0.5);
    expect(results[6]).toStrictEqual(results[0]);
    // Remembered: scoring them again costs nothing.
    await scoring.scoreTexts(['c', 'd']);
    expect(inputs()).toStrictEqual([]);
  });

  it('scores online what the batch job did not', async () => {
    const { scoring, scorer } = service();
    const job = scorer.scoreInBatchJob.bind(scorer);
    jest
      .spyOn(scorer, 'scoreInBatchJob')
      .mockImplementation(async (groups, onProgress) =>
        (await job(groups, onProgress)).map((scores, i) => (i === 0 ? null : scores)),
      );
    const results = await scoring.scoreTextsInBatchJob(['a', 'b', 'c', 'd', 'e']);
    expect(inputs()).toStrictEqual([['a', 'b', 'c', 'd']]);
    expect(results.every((r) => r.ok && r.fresh)).toBe(true);
  });

  it('gives scores to six significant digits, online and from batch jobs: what is stored is what is decided on', async () => {
    const { scoring, scorer } = service();
    // A real model answers full doubles; 0.49999996 must not be "allow" now and "review" (0.5)
    // when a backtest reads the stored real back.
    const precise = (texts: string[]) =>
      texts.map(() => ({
        model: 'mistral-moderation-2603',
        scores: { hate_and_discrimination: 0.49999996, pii: 0.123456789, sexual: 1.234567e-9 },
      }));
    jest.spyOn(scorer, 'scoreBatch').mockImplementation(async (texts) => precise(texts));
    jest
      .spyOn(scorer, 'scoreInBatchJob')
      .mockImplementation(async (groups) => groups.map((texts) => precise(texts)));
    const expected = { hate_and_discrimination: 0.5, pii: 0.123457, sexual: 1.23457e-9 };
    const [online] = await scoring.scoreTexts(['online text']);
    expect(online.ok && online.scores).toStrictEqual(expected);
    const [batched] = await scoring.scoreTextsInBatchJob(['batch job text']);
    expect(batched.ok && batched.scores).toStrictEqual(expected);
  });

  describe('with shared claims (several replicas)', () => {
    const shared = { SCORE_SHARED_CLAIMS: 'true', SCORE_CLAIM_WAIT_MS: '2000' };

    it('scores a text two replicas meet at once only once: the second waits for the stored score', async () => {
      const cache = new MapCache();
      const first = service(shared, cache);
      const second = service(shared, cache);
      const [a, b] = [
        first.scoring.scoreTexts(['I will kill you', 'only here']),
        second.scoring.scoreTexts(['I will kill you', 'only there']),
      ];
      // The first replica's batch stores its scores, as the ingest statement does.
      for (const outcome of await a)
        if (outcome.ok)
          cache.rows.set(outcome.hash, {
            hash: outcome.hash,
            model: outcome.model,
            scores: outcome.scores,
          });
      const [fromFirst, fromSecond] = [await a, await b];
      expect(inputs().flat().sort()).toStrictEqual(['I will kill you', 'only here', 'only there']);
      expect(fromSecond[0]).toStrictEqual({ ...fromFirst[0], fresh: false });
      expect(fromSecond[1]).toMatchObject({ ok: true, fresh: true });
    });

    it('scores it after all when the holder never stores a score within the wait', async () => {
      const cache = new MapCache();
      cache.claims.add(textHash('I will kill you'));
      const { scoring } = service({ ...shared, SCORE_CLAIM_WAIT_MS: '100' }, cache);
      const [outcome] = await scoring.scoreTexts(['I will kill you']);
      expect(outcome).toMatchObject({ ok: true, fresh: true });
      expect(inputs()).toStrictEqual([['I will kill you']]);
    });
  });
});
