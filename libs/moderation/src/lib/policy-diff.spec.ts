import { diffPolicies } from './policy-diff';
import { DEFAULT_CATEGORY_SET } from './categories';
import { defaultPolicy, type Policy } from './policy';

const base: Policy = {
  version: 1,
  categorySetId: 'mistral-moderation-2603',
  rules: {
    pii: { enabled: true, reviewThreshold: 0.5 },
    violence_and_threats: { enabled: true, reviewThreshold: 0.5, autoActionThreshold: 0.95 },
  },
};

describe('diffPolicies', () => {
  it('lists every setting that changes, and nothing else', () => {
    const after: Policy = {
      ...base,
      version: 2,
      rules: {
        pii: { enabled: true, reviewThreshold: 0.3 },
        violence_and_threats: { enabled: false, reviewThreshold: 0.5 },
      },
      overrides: { 'kids-chat': { pii: { enabled: true, reviewThreshold: 0.1 } } },
    };
    expect(diffPolicies(base, after)).toStrictEqual([
      { category: 'pii', field: 'reviewThreshold', before: 0.5, after: 0.3 },
      { category: 'violence_and_threats', field: 'enabled', before: true, after: false },
      { category: 'violence_and_threats', field: 'autoActionThreshold', before: 0.95, after: null },
      { source: 'kids-chat', category: 'pii', field: 'enabled', before: null, after: true },
      { source: 'kids-chat', category: 'pii', field: 'reviewThreshold', before: null, after: 0.1 },
    ]);
    expect(diffPolicies(base, { ...base, version: 3 })).toStrictEqual([]);
  });
});

describe('custom categories in the diff', () => {
  const start = defaultPolicy(DEFAULT_CATEGORY_SET);
  const rule = {
    name: 'ticket_resale',
    label: 'Ticket resale',
    definition: 'No selling tickets above face value.',
    violatingExamples: [],
    allowedExamples: [],
    severity: 'medium' as const,
    enabled: true,
    mode: 'active' as const,
    reviewThreshold: 0.6,
    prefilter: { keywords: ['ticket*'] },
  };

  it('names added, reworded, re-moded and re-thresholded rules, and the gray zone', () => {
    expect(
      diffPolicies(start, { ...start, customCategories: [rule], grayZone: 0.1 }),
    ).toStrictEqual([
      { category: 'ticket_resale', field: 'rule', before: null, after: 'added' },
      { category: '(gray zone)', field: 'grayZone', before: 0, after: 0.1 },
    ]);
    const live = { ...start, customCategories: [rule] };
    expect(
      diffPolicies(live, {
        ...start,
        customCategories: [
          {
            ...rule,
            definition: 'No resale above face value.',
            mode: 'shadow',
            reviewThreshold: 0.8,
          },
        ],
      }),
    ).toStrictEqual([
      { category: 'ticket_resale', field: 'rule', before: 'as live', after: 'reworded' },
      { category: 'ticket_resale', field: 'mode', before: 'active', after: 'shadow' },
      { category: 'ticket_resale', field: 'reviewThreshold', before: 0.6, after: 0.8 },
    ]);
    expect(diffPolicies(live, start)).toStrictEqual([
      { category: 'ticket_resale', field: 'rule', before: 'in force', after: 'removed' },
    ]);
  });
});

describe('deciding by precedent in the diff', () => {
  const start = defaultPolicy(DEFAULT_CATEGORY_SET);
  const rule = { actions: ['remove' as const], minDecided: 3, minSimilarity: 0.9 };

  it('names the rule turned on, changed and turned off, in words', () => {
    expect(diffPolicies(start, { ...start, precedent: rule })).toStrictEqual([
      {
        category: '(precedent)',
        field: 'precedent',
        before: null,
        after: 'remove after 3 alike at ≥ 0.90',
      },
    ]);
    const wider = { ...rule, actions: ['remove' as const, 'approve' as const], minDecided: 5 };
    expect(
      diffPolicies({ ...start, precedent: rule }, { ...start, precedent: wider }),
    ).toStrictEqual([
      {
        category: '(precedent)',
        field: 'precedent',
        before: 'remove after 3 alike at ≥ 0.90',
        after: 'approve or remove after 5 alike at ≥ 0.90',
      },
    ]);
    expect(diffPolicies({ ...start, precedent: rule }, { ...start, precedent: null })).toHaveLength(
      1,
    );
    expect(diffPolicies({ ...start, precedent: null }, start)).toStrictEqual([]);
  });
});
