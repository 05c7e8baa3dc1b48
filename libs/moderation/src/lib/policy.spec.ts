import { MISTRAL_MODERATION_2603 } from './categories';
import { assertValidPolicy, defaultPolicy, evaluatePolicy, type Policy } from './policy';

const policy: Policy = {
  version: 3,
  categorySetId: 'mistral-moderation-2603',
  rules: {
    violence_and_threats: { enabled: true, reviewThreshold: 0.5, autoActionThreshold: 0.9 },
    pii: { enabled: true, reviewThreshold: 0.7 },
    health: { enabled: false, reviewThreshold: 0.1 },
  },
};

describe('evaluatePolicy', () => {
  it('allows when every score is below its threshold', () => {
    expect(evaluatePolicy({ violence_and_threats: 0.49, pii: 0.2 }, policy)).toStrictEqual({
      decision: 'allow',
      triggered: [],
      maxScore: 0.49,
    });
  });

  it('reviews at the threshold exactly, and blocks at the auto-action threshold', () => {
    expect(evaluatePolicy({ violence_and_threats: 0.5 }, policy).decision).toBe('review');
    expect(evaluatePolicy({ violence_and_threats: 0.9 }, policy).decision).toBe('block');
  });

  it('ignores disabled rules and categories the policy does not know', () => {
    expect(evaluatePolicy({ health: 0.99, unknown: 1 }, policy).decision).toBe('allow');
  });

  it('lists triggered categories most severe first', () => {
    const result = evaluatePolicy({ violence_and_threats: 0.6, pii: 0.95 }, policy);
    expect(result.triggered.map((t) => t.category)).toStrictEqual(['pii', 'violence_and_threats']);
    expect(result.maxScore).toBe(0.95);
  });
});

describe('defaultPolicy and assertValidPolicy', () => {
  it('covers every category of the set', () => {
    const p = defaultPolicy(MISTRAL_MODERATION_2603);
    expect(Object.keys(p.rules)).toHaveLength(11);
    expect(() => assertValidPolicy(p)).not.toThrow();
  });

  it('rejects out-of-range and inverted thresholds', () => {
    expect(() =>
      assertValidPolicy({ ...policy, rules: { x: { enabled: true, reviewThreshold: 1.2 } } }),
    ).toThrow(/between 0 and 1/);
    expect(() =>
      assertValidPolicy({
        ...policy,
        rules: { x: { enabled: true, reviewThreshold: 0.8, autoActionThreshold: 0.5 } },
      }),
    ).toThrow(/not be below/);
  });
});

describe('per-source overrides', () => {
  const withOverride: Policy = {
    ...policy,
    overrides: { 'kids-chat': { violence_and_threats: { enabled: true, reviewThreshold: 0.2 } } },
  };

  it('replace the rule for that source only', () => {
    expect(evaluatePolicy({ violence_and_threats: 0.3 }, withOverride, 'kids-chat').decision).toBe(
      'review',
    );
    expect(evaluatePolicy({ violence_and_threats: 0.3 }, withOverride, 'forum').decision).toBe(
      'allow',
    );
    expect(evaluatePolicy({ violence_and_threats: 0.3 }, withOverride).decision).toBe('allow');
  });

  it('are validated like the rules', () => {
    expect(() =>
      assertValidPolicy({
        ...policy,
        overrides: { s: { pii: { enabled: true, reviewThreshold: 2 } } },
      }),
    ).toThrow(/s\/pii/);
  });
});
