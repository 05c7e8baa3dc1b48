import {
  accountRecommendationAt,
  DEFAULT_STRIKE_RULES,
  recommendationFell,
  strikesFor,
  type RestrictedPost,
} from './strikes';

const now = new Date('2026-12-01T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

describe('strikesFor', () => {
  it('weighs by the heaviest category and by who decided, inside the window only', () => {
    const posts: RestrictedPost[] = [
      {
        flagId: 'a',
        decidedAt: daysAgo(1),
        categories: ['pii', 'violence_and_threats'],
        madeBy: 'reviewer',
      },
      { flagId: 'b', decidedAt: daysAgo(10), categories: ['pii'], madeBy: 'automatic' },
      {
        flagId: 'c',
        decidedAt: daysAgo(100),
        categories: ['violence_and_threats'],
        madeBy: 'reviewer',
      },
    ];
    const result = strikesFor(posts, DEFAULT_STRIKE_RULES, now);
    // 2 (violence, by a reviewer) + 1 × 0.5 (pii, automatic); the 100-day-old one is outside.
    expect(result.strikes).toBe(2.5);
    expect(result.level).toBe('raise');
    expect(result.counted.map((s) => [s.flagId, s.weight, s.why])).toStrictEqual([
      ['a', 2, 'removed by a reviewer; violence_and_threats weighs 2'],
      ['b', 0.5, 'blocked automatically (× 0.5); weight 1'],
    ]);
    expect(result.nextLevel).toStrictEqual({ level: 'restrict', at: 4 });
  });

  it('reaches restrict and suspend at their thresholds', () => {
    const removal = (i: number): RestrictedPost => ({
      flagId: String(i),
      decidedAt: daysAgo(i),
      categories: ['hate_and_discrimination'],
      madeBy: 'reviewer',
    });
    expect(strikesFor([removal(1), removal(2)], DEFAULT_STRIKE_RULES, now).level).toBe('restrict');
    const four = [1, 2, 3, 4].map(removal);
    expect(strikesFor(four, DEFAULT_STRIKE_RULES, now)).toMatchObject({
      strikes: 8,
      level: 'suspend',
      nextLevel: null,
    });
    expect(strikesFor([], DEFAULT_STRIKE_RULES, now)).toMatchObject({ strikes: 0, level: 'none' });
  });
});

describe('account recommendations', () => {
  it('recommends nothing below restrict, and tells a lift from a climb', () => {
    expect(
      ['none', 'raise', 'restrict', 'suspend'].map((l) => accountRecommendationAt(l as never)),
    ).toStrictEqual(['none', 'none', 'restrict', 'suspend']);
    expect(recommendationFell('suspend', 'restrict')).toBe(true);
    expect(recommendationFell('restrict', 'none')).toBe(true);
    expect(recommendationFell('none', 'restrict')).toBe(false);
    expect(recommendationFell('restrict', 'suspend')).toBe(false);
  });
});
