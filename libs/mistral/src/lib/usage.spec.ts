import { canonicalJson, isDeterministic, ResponseCache } from './cache';
import { costOf, DEFAULT_PRICING, parsePricingTable, priceFor } from './pricing';
import { estimateTokens } from './transport';
import { UsageTracker } from './usage';

describe('pricing', () => {
  it('prices by exact id or the longest matching prefix', () => {
    // Mistral's published prices (shared/mistral/facts.md): moderation 2603 is free.
    expect(priceFor('mistral-large-2512', DEFAULT_PRICING)).toStrictEqual({
      input: 0.5,
      output: 1.5,
    });
    expect(priceFor('mistral-moderation-2603', DEFAULT_PRICING)).toStrictEqual({
      input: 0,
      output: 0,
    });
    expect(priceFor('mistral-moderation-2411', DEFAULT_PRICING)).toStrictEqual({
      input: 0.1,
      output: 0,
    });
    expect(priceFor('unknown-model', DEFAULT_PRICING)).toBeNull();
    expect(costOf('mistral-small-latest', 1_000_000, 500_000, DEFAULT_PRICING)).toBeCloseTo(0.45);
  });

  it('reads a pricing table from JSON, naming what is wrong', () => {
    const table = {
      asOf: '2027-01-01',
      currency: 'USD',
      prices: { 'm*': { input: 1, output: 2 } },
    };
    expect(parsePricingTable(table)).toStrictEqual(table);
    expect(() => parsePricingTable({ ...table, asOf: 'soon' })).toThrow(/asOf must be a date/);
    expect(() => parsePricingTable({ ...table, prices: { m: { input: -1, output: 0 } } })).toThrow(
      /prices\["m"\].input must be a number/,
    );
  });
});

describe('UsageTracker', () => {
  it('summarises requests, tokens and cost by model and by UTC day over a window', () => {
    let now = Date.parse('2026-11-24T23:00:00Z');
    const tracker = new UsageTracker({
      pricing: DEFAULT_PRICING,
      retentionMs: 31 * 86_400_000,
      now: () => now,
    });
    tracker.record('/v1/chat/completions', 'mistral-large-latest', 1000, 500);
    now = Date.parse('2026-11-25T01:00:00Z');
    tracker.record('/v1/moderations', 'mistral-moderation-2603', 2_000_000, 0);
    const all = tracker.summary();
    expect(all).toMatchObject({ requests: 2, promptTokens: 2_001_000, completionTokens: 500 });
    // 1000 in + 500 out on large ($0.5 / $1.5 per 1M); moderation 2603 is free.
    expect(all.costUsd).toBeCloseTo(0.0005 + 0.00075, 6);
    expect(Object.keys(all.byDay)).toStrictEqual(['2026-11-24', '2026-11-25']);
    expect(all.byModel['mistral-large-latest'].requests).toBe(1);
    expect(tracker.summary(Date.parse('2026-11-25T00:00:00Z')).requests).toBe(1);
  });
});

describe('ResponseCache', () => {
  it('keys by canonical JSON, so key order does not matter, and returns copies', () => {
    const cache = new ResponseCache({ maxEntries: 2 });
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    cache.set(cache.key('/v1/moderations', { model: 'm', input: 'x' }), { results: [1] });
    const hit = cache.get<{ results: number[] }>(
      cache.key('/v1/moderations', { input: 'x', model: 'm' }),
    );
    expect(hit).toStrictEqual({ results: [1] });
    hit?.results.push(2);
    expect(cache.get(cache.key('/v1/moderations', { input: 'x', model: 'm' }))).toStrictEqual({
      results: [1],
    });
  });

  it('caches only deterministic calls', () => {
    expect(isDeterministic('/v1/moderations', {})).toBe(true);
    expect(isDeterministic('/v1/chat/completions', { temperature: 0 })).toBe(true);
    expect(isDeterministic('/v1/chat/completions', { random_seed: 3 })).toBe(true);
    expect(isDeterministic('/v1/chat/completions', { temperature: 0.7 })).toBe(false);
    expect(isDeterministic('/v1/chat/completions', { temperature: 0, stream: true })).toBe(false);
  });
});

describe('UsageTracker memory', () => {
  it('keeps per-minute totals, not every record, and drops minutes past retention', () => {
    let now = Date.parse('2026-11-25T10:00:00Z');
    const tracker = new UsageTracker({
      pricing: DEFAULT_PRICING,
      retentionMs: 10 * 60_000,
      now: () => now,
    });
    for (let i = 0; i < 10_000; i++) tracker.record('/v1/moderations', 'm', 10, 0);
    expect(tracker.summary().requests).toBe(10_000);
    expect((tracker as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(1);
    now += 11 * 60_000;
    tracker.record('/v1/moderations', 'm', 10, 0);
    expect(tracker.summary().requests).toBe(1);
  });
});

describe('estimateTokens', () => {
  it('never underestimates short or non-Latin texts below one token', () => {
    expect(estimateTokens('')).toBe(1);
    expect(estimateTokens('hello world')).toBe(6);
    expect(estimateTokens('日本語のテキスト')).toBeGreaterThanOrEqual(8);
  });
});
