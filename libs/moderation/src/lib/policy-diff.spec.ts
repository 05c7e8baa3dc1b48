import { diffPolicies } from './policy-diff';
import type { Policy } from './policy';

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
    expect(diffPolicies(base, after)).toEqual([
      { category: 'pii', field: 'reviewThreshold', before: 0.5, after: 0.3 },
      { category: 'violence_and_threats', field: 'enabled', before: true, after: false },
      { category: 'violence_and_threats', field: 'autoActionThreshold', before: 0.95, after: null },
      { source: 'kids-chat', category: 'pii', field: 'enabled', before: null, after: true },
      { source: 'kids-chat', category: 'pii', field: 'reviewThreshold', before: null, after: 0.1 },
    ]);
    expect(diffPolicies(base, { ...base, version: 3 })).toEqual([]);
  });
});
