import { auditChanges } from './audit-diff';

describe('auditChanges', () => {
  it('lists only what changed, by path', () => {
    expect(
      auditChanges(
        {
          version: 3,
          rules: { pii: { enabled: true, reviewThreshold: 0.5 }, sexual: { enabled: true } },
        },
        {
          version: 4,
          rules: { pii: { enabled: true, reviewThreshold: 0.8 }, sexual: { enabled: true } },
        },
      ),
    ).toStrictEqual([
      { path: 'version', before: 3, after: 4 },
      { path: 'rules.pii.reviewThreshold', before: 0.5, after: 0.8 },
    ]);
  });

  it('shows a created object as its values, and an untouched one as nothing', () => {
    expect(auditChanges(null, { role: 'admin' })).toStrictEqual([
      { path: 'role', before: undefined, after: 'admin' },
    ]);
    expect(auditChanges({ a: [1, 2] }, { a: [1, 2] })).toStrictEqual([]);
  });
});
