import {
  DEFAULT_QUEUE,
  QA_QUEUE,
  routeFlag,
  routingProblems,
  sampled,
  type RoutingFacts,
  type RoutingRules,
} from './routing';

const facts = (over: Partial<RoutingFacts> = {}): RoutingFacts => ({
  triggered: [{ category: 'hate_and_discrimination', score: 0.7 }],
  source: 'forum',
  lang: 'en',
  strikes: 0,
  automatic: false,
  sampleKey: 'forum:1',
  ...over,
});

const rules: RoutingRules = {
  rules: [
    { name: 'self-harm team', queue: 'self-harm', when: { categories: ['selfharm'] } },
    { name: 'French', queue: 'french', when: { languages: ['fr'] } },
    { name: 'partner', queue: 'partner', when: { sources: ['partner-app'] } },
    { name: 'severe', queue: 'senior', when: { minScore: 0.95 } },
    { name: 'repeat', queue: 'repeat', when: { minStrikes: 4, automatic: false } },
  ],
  qaShares: {},
};

describe('routeFlag', () => {
  it('falls back to the default queue when no rule matches', () => {
    expect(routeFlag(rules, facts())).toStrictEqual({
      queue: DEFAULT_QUEUE,
      rule: null,
      closed: false,
    });
    expect(routeFlag({ rules: [], qaShares: {} }, facts()).queue).toBe(DEFAULT_QUEUE);
  });

  it('takes the first matching rule, in order', () => {
    const frenchSelfHarm = facts({
      lang: 'fr',
      triggered: [{ category: 'selfharm', score: 0.6 }],
    });
    expect(routeFlag(rules, frenchSelfHarm)).toMatchObject({ queue: 'self-harm', rule: 0 });
    expect(routeFlag(rules, facts({ lang: 'fr' }))).toMatchObject({ queue: 'french', rule: 1 });
  });

  it('matches languages by primary subtag, case-insensitively; no language matches none', () => {
    expect(routeFlag(rules, facts({ lang: 'FR-ca' })).queue).toBe('french');
    expect(routeFlag(rules, facts({ lang: null })).queue).toBe(DEFAULT_QUEUE);
    expect(routeFlag(rules, facts({ lang: 'fy' })).queue).toBe(DEFAULT_QUEUE);
  });

  it('matches sources exactly, scores at or above the minimum, strikes and automation', () => {
    expect(routeFlag(rules, facts({ source: 'partner-app' })).queue).toBe('partner');
    expect(routeFlag(rules, facts({ source: 'Partner-App' })).queue).toBe(DEFAULT_QUEUE);
    const severe = facts({ triggered: [{ category: 'violence', score: 0.95 }] });
    expect(routeFlag(rules, severe).queue).toBe('senior');
    expect(
      routeFlag(rules, facts({ triggered: [{ category: 'violence', score: 0.949 }] })).queue,
    ).toBe(DEFAULT_QUEUE);
    expect(routeFlag(rules, facts({ strikes: 4 })).queue).toBe('repeat');
    expect(routeFlag(rules, facts({ strikes: 4, automatic: true })).queue).toBe(DEFAULT_QUEUE);
    expect(routeFlag(rules, facts({ strikes: 3 })).queue).toBe(DEFAULT_QUEUE);
  });

  it('applies a minimum score to the named categories only', () => {
    const r: RoutingRules = {
      rules: [{ name: 'bad pii', queue: 'pii', when: { categories: ['pii'], minScore: 0.8 } }],
      qaShares: {},
    };
    const both = [
      { category: 'pii', score: 0.6 },
      { category: 'violence', score: 0.99 },
    ];
    expect(routeFlag(r, facts({ triggered: both })).queue).toBe(DEFAULT_QUEUE);
    expect(routeFlag(r, facts({ triggered: [{ category: 'pii', score: 0.8 }] })).queue).toBe('pii');
  });

  it('samples automated categories into QA and closes the rest; the sample is stable per event', () => {
    const r: RoutingRules = { rules: rules.rules, qaShares: { spam: 0.2 } };
    const block = (key: string) =>
      facts({ automatic: true, sampleKey: key, triggered: [{ category: 'spam', score: 0.99 }] });
    let inQa = 0;
    for (let i = 0; i < 10_000; i++) {
      const route = routeFlag(r, block(`shop:${i}`));
      expect(route.queue).toBe(QA_QUEUE);
      if (!route.closed) inQa++;
      expect(routeFlag(r, block(`shop:${i}`))).toStrictEqual(route);
    }
    // Binomial(10,000, 0.2): mean 2,000, sd 40; ±5 sd.
    expect(inQa).toBeGreaterThan(1800);
    expect(inQa).toBeLessThan(2200);
    // Not automated: routed by the rules as before; a person's flag is never sampled.
    expect(routeFlag(r, facts({ automatic: true })).closed).toBe(false);
    expect(routeFlag(r, { ...block('x'), automatic: false }).queue).toBe('senior');
  });

  it('samples nothing at 0 and everything at 1', () => {
    expect(sampled('a', 0)).toBe(false);
    expect(sampled('a', 1)).toBe(true);
  });
});

describe('routingProblems', () => {
  it('names unknown queues and categories and shares out of range', () => {
    expect(
      routingProblems(
        {
          rules: [
            { name: '', queue: 'nowhere', when: { categories: ['nope'] } },
            { name: 'ok', queue: 'default', when: {} },
          ],
          qaShares: { spam: 1.5, ghost: 0.1 },
        },
        ['default'],
        ['spam'],
      ),
    ).toStrictEqual([
      'rules[0].name is empty',
      'rules[0].queue "nowhere" does not exist',
      'rules[0].when.categories: unknown category "nope"',
      'qaShares.spam must be between 0 and 1',
      'qaShares: unknown category "ghost"',
    ]);
  });
});
